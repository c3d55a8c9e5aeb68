/**
 * The OpenAPI 3.1 description of edgelog's HTTP API, served at /openapi.json. A test checks it
 * against the routes the Worker really registers, both ways, and another validates real answers
 * of every route against the documented schema of their status. Limits, patterns and enums
 * come from the HTTP contract's one definition (src/core/protocol); the answer schemas are in
 * ./openapi-schemas.ts.
 */
import {
  DEFAULT_INGEST_LIMITS,
  EVENT_ID_PATTERN,
  JURISDICTIONS,
  LOG_NUMBER_PATTERN,
  MAX_ADMIN_BODY_BYTES,
  MAX_EXPORT_BATCHES,
  MAX_ERASURE_REASON_CHARS,
  MAX_PRODUCER_CHARS,
  MAX_SHARDS,
  QUERY_DEFAULT_LIMIT,
  QUERY_MAX_LIMIT,
  SCOPES,
  TENANT_ID_PATTERN,
  TIERS,
} from "../core/protocol";
import { SCHEMAS } from "./openapi-schemas";

const json = (schema: object) => ({ "application/json": { schema } });
const text = { "text/plain": { schema: { type: "string" } } };
const ndjson = { "application/x-ndjson": { schema: { type: "string" } } };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const error = (description: string) => ({ description, content: json(ref("Error")) });
const ok = (description: string, content: object) => ({ description, content });

/** An OTLP error: a google.rpc.Status in the request's encoding (JSON also carries edgelog's `error`). */
const otlpStatus = (description: string) => ({
  description: `${description} (google.rpc.Status)`,
  content: {
    "application/x-protobuf": { schema: { type: "string", format: "binary" } },
    "application/json": {
      schema: {
        type: "object",
        required: ["code", "message"],
        properties: {
          code: { type: "integer" },
          message: { type: "string" },
          details: { type: "array" },
          error: { type: "object" },
        },
      },
    },
  },
});

const authErrors = {
  "401": error("missing, malformed, unknown or revoked key"),
  "403": error("the key lacks the scope this route needs"),
};
const notFound = { "404": error("not found (also: another tenant's resource)") };
const badRequest = { "400": error("a parameter is malformed") };
/** Reads that need bodies kept only in R2 (README, "Storage": offloading). */
const archiveUnavailable = {
  "503": error(
    "archive_unavailable: the bodies asked for are kept only in R2, which could not give them (the message names the batch); retry after Retry-After",
  ),
};
const tooLarge = { "413": error(`the request body is over ${MAX_ADMIN_BODY_BYTES} bytes`) };

const pathParam = (name: string, description: string, schema: object = { type: "string" }) => ({
  name,
  in: "path",
  required: true,
  description,
  schema,
});
const queryParam = (name: string, description: string, schema: object = { type: "string" }) => ({
  name,
  in: "query",
  required: false,
  description,
  schema,
});
const logParam = pathParam("log", "the log (shard number within the tenant)", {
  type: "string",
  pattern: LOG_NUMBER_PATTERN.source,
});
const idParam = pathParam("id", "event id: SHA-256 of the RFC 8785 canonical event, hex", {
  type: "string",
  pattern: EVENT_ID_PATTERN.source,
});
const tenantParam = pathParam("tenant", "tenant id");
const filterParams = [
  queryParam("decision_id", "only events of this decision"),
  queryParam("decision_type", "only events of this decision type"),
  queryParam("tier", "only events of this effective tier", { enum: [...TIERS] }),
  queryParam("since", "received at or after (RFC 3339)", { type: "string", format: "date-time" }),
  queryParam("until", "received before (RFC 3339)", { type: "string", format: "date-time" }),
];

export const OPENAPI = {
  openapi: "3.1.0",
  info: {
    title: "edgelog",
    version: "0.1.0",
    description:
      "Serverless edge logger for decision events (DES 0.3.0): validated at the edge, stored in Durable Objects, " +
      "sealed into batches whose Merkle roots form an append-only, Ed25519-signed log (RFC 9162, C2SP checkpoints).",
  },
  security: [{ bearer: [] }],
  paths: {
    "/healthz": {
      get: { summary: "liveness", security: [], responses: { "200": ok("alive", json(ref("Health"))) } },
    },
    "/openapi.json": {
      get: {
        summary: "this document",
        security: [],
        responses: { "200": ok("OpenAPI 3.1", json({ type: "object" })) },
      },
    },
    "/v1/events": {
      post: {
        summary: "ingest one event, a JSON array, or NDJSON (scope: ingest)",
        parameters: [
          queryParam("wait", "answer once the events' batch is sealed", { enum: ["sealed"] }),
          {
            name: "X-Edgelog-Producer",
            in: "header",
            required: false,
            description: "producer of the events' hash chain (default: the key)",
            schema: { type: "string", minLength: 1, maxLength: MAX_PRODUCER_CHARS },
          },
          { name: "Content-Encoding", in: "header", required: false, schema: { enum: ["gzip", "identity"] } },
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                oneOf: [
                  { type: "object" },
                  {
                    type: "array",
                    items: { type: "object" },
                    maxItems: DEFAULT_INGEST_LIMITS.maxEventsPerRequest,
                  },
                ],
              },
            },
            "application/x-ndjson": { schema: { type: "string" } },
          },
        },
        responses: {
          "200": ok("every event accepted or a duplicate", json(ref("IngestResponse"))),
          "207": ok("some events rejected", json(ref("IngestResponse"))),
          "422": ok("no event accepted", json(ref("IngestResponse"))),
          "400": error("body cannot be parsed (JSON, UTF-8, gzip) or is empty"),
          "413": error("over a size or count limit"),
          "415": error("unsupported Content-Type or Content-Encoding"),
          "429": error("a shard is behind on sealing; retry after Retry-After"),
          "503": error("a shard is overloaded or unreachable; retry after Retry-After"),
          ...authErrors,
        },
      },
      get: {
        summary:
          "query events, cursor-paginated; Accept: application/x-ndjson streams an export with bodies (scope: read)",
        parameters: [
          ...filterParams,
          queryParam("limit", "page size", {
            type: "integer",
            minimum: 1,
            maximum: QUERY_MAX_LIMIT,
            default: QUERY_DEFAULT_LIMIT,
          }),
          queryParam("cursor", "next_cursor of the previous page"),
        ],
        responses: {
          "200": ok("a page (or the NDJSON export)", { ...json(ref("EventPage")), ...ndjson }),
          ...badRequest,
          ...authErrors,
          ...archiveUnavailable,
        },
      },
    },
    "/v1/events/{id}": {
      get: {
        summary: "an event with its envelope, retained content and proof (scope: read)",
        parameters: [idParam],
        responses: {
          "200": ok("the event", json(ref("EventDocument"))),
          ...badRequest,
          ...authErrors,
          ...notFound,
          ...archiveUnavailable,
        },
      },
    },
    "/v1/events/{id}/body": {
      delete: {
        summary: "erase the retained body; the envelope and proof stay valid (scope: admin)",
        parameters: [idParam],
        requestBody: {
          required: false,
          content: json({
            type: "object",
            properties: { reason: { type: "string", minLength: 1, maxLength: MAX_ERASURE_REASON_CHARS } },
          }),
        },
        responses: {
          "200": ok("erased", json(ref("ErasureAnswer"))),
          "409": error("no retained body left"),
          "422": error("'reason' is not a non-empty string of at most the documented length"),
          ...badRequest,
          ...authErrors,
          ...notFound,
          ...archiveUnavailable,
        },
      },
    },
    "/v1/logs": {
      get: {
        summary: "the tenant's logs (scope: read)",
        responses: { "200": ok("logs", json({ type: "array", items: ref("LogInfo") })), ...authErrors },
      },
    },
    "/v1/logs/{log}/witnesses": {
      get: {
        summary:
          "each configured witness with its vkey and its progress on this log: the size it last cosigned and its last answer (scope: read)",
        parameters: [logParam],
        responses: {
          "200": ok("witness progress", json({ type: "array", items: ref("WitnessStatus") })),
          ...authErrors,
          ...notFound,
        },
      },
    },
    "/v1/admin/tenants/{tenant}/open": {
      get: {
        summary: "the tenant's open-verification settings: tiles access and witnesses (admin)",
        parameters: [tenantParam],
        responses: { "200": ok("settings", json(ref("OpenSettings"))), ...authErrors, ...notFound },
      },
      put: {
        summary: "sets tiles access (public | key) and the witnesses [{name, vkey, url}] (admin)",
        parameters: [tenantParam],
        requestBody: { required: true, content: json(ref("OpenSettings")) },
        responses: {
          "200": ok("settings", json(ref("OpenSettings"))),
          "409": error("jurisdiction_immutable: the body asks for another jurisdiction"),
          "422": error("invalid settings"),
          ...authErrors,
          ...notFound,
        },
      },
    },
    "/v1/tiles/{tenant}/{log}/checkpoint": {
      get: {
        summary: "C2SP tlog-tiles: latest checkpoint with witness cosignatures (public, or scope read)",
        parameters: [tenantParam, logParam],
        responses: { "200": ok("note", text), ...authErrors, ...notFound },
      },
    },
    "/v1/tiles/{tenant}/{log}/tile/*": {
      get: {
        summary:
          "C2SP tlog-tiles: tile/<L>/<N>[.p/<W>] hash tiles and tile/entries/<N>[.p/<W>] bundles of batch headers (public, or scope read)",
        parameters: [tenantParam, logParam],
        responses: {
          "200": ok("tile bytes", { "application/octet-stream": { schema: { type: "string" } } }),
          ...badRequest,
          ...authErrors,
          ...notFound,
        },
      },
    },
    "/v1/tiles/{tenant}/{log}/envelopes/*": {
      get: {
        summary:
          "envelopes/<N>: batch N's canonical envelopes, uint16-length-prefixed like an entry bundle (public, or scope read)",
        parameters: [tenantParam, logParam],
        responses: {
          "200": ok("bundle bytes", { "application/octet-stream": { schema: { type: "string" } } }),
          ...badRequest,
          ...authErrors,
          ...notFound,
        },
      },
    },
    "/v1/logs/{log}/checkpoint": {
      get: {
        summary: "latest signed checkpoint, a C2SP signed note (scope: read)",
        parameters: [logParam],
        responses: { "200": ok("note", text), ...authErrors, ...notFound },
      },
    },
    "/v1/logs/{log}/key": {
      get: {
        summary: "the log's verifier key, C2SP vkey (scope: read)",
        parameters: [logParam],
        responses: { "200": ok("vkey", text), ...authErrors, ...notFound },
      },
    },
    "/v1/logs/{log}/consistency": {
      get: {
        summary: "RFC 9162 consistency proof between two tree sizes (scope: read)",
        parameters: [
          logParam,
          { ...queryParam("from", "older tree size", { type: "integer", minimum: 1 }), required: true },
          { ...queryParam("to", "newer tree size", { type: "integer", minimum: 1 }), required: true },
        ],
        responses: {
          "200": ok("proof", json(ref("Consistency"))),
          ...badRequest,
          ...authErrors,
          ...notFound,
        },
      },
    },
    "/v1/logs/{log}/batches": {
      get: {
        summary: `sealed batches from … to−1 (at most ${MAX_EXPORT_BATCHES}) in one answer: each batch's export (header line, then its count event lines) after the previous; with Accept: application/gzip, the stored gzip members back to back (scope: read)`,
        parameters: [
          logParam,
          { ...queryParam("from", "first batch", { type: "integer", minimum: 0 }), required: true },
          {
            ...queryParam("to", `batch after the last (from < to ≤ from + ${MAX_EXPORT_BATCHES})`, {
              type: "integer",
              minimum: 1,
            }),
            required: true,
          },
        ],
        responses: {
          "200": ok("batches", {
            ...ndjson,
            "application/gzip": { schema: { type: "string", format: "binary" } },
          }),
          ...badRequest,
          ...authErrors,
          ...notFound,
          ...archiveUnavailable,
        },
      },
    },
    "/v1/logs/{log}/batches/{n}": {
      get: {
        summary: "a sealed batch as NDJSON: the header, then {envelope, event} per event (scope: read)",
        parameters: [logParam, pathParam("n", "batch number", { type: "integer", minimum: 0 })],
        responses: {
          "200": ok("batch", ndjson),
          ...badRequest,
          ...authErrors,
          ...notFound,
          ...archiveUnavailable,
        },
      },
    },
    "/v1/head": {
      get: {
        summary: "the tenant head: one signed note over every shard's latest checkpoint (scope: read)",
        responses: { "200": ok("head", json(ref("TenantHead"))), ...authErrors },
      },
    },
    "/v1/head/key": {
      get: {
        summary: "verifier key of the tenant head (scope: read)",
        responses: { "200": ok("vkey", text), ...authErrors },
      },
    },
    "/v1/stats": {
      get: {
        summary:
          "exact counts, Horvitz–Thompson estimates, sampling rates and producer chain checks (scope: read)",
        parameters: [
          queryParam("since", "received at or after (RFC 3339)", { type: "string", format: "date-time" }),
          queryParam("until", "received before (RFC 3339)", { type: "string", format: "date-time" }),
          queryParam(
            "group_by",
            "tier, decision_type, logic_type, output, chain, producer (exact); risk_level or pointer:<JSON pointer> (estimated)",
          ),
        ],
        responses: {
          "200": ok("stats", json(ref("Stats"))),
          ...badRequest,
          ...authErrors,
          ...archiveUnavailable,
        },
      },
    },
    "/v1/otlp/v1/logs": {
      post: {
        summary:
          "OpenTelemetry OTLP/HTTP logs: each LogRecord whose body is a DES event (JSON text or kvlist) is ingested (scope: ingest)",
        parameters: [
          {
            name: "x-edgelog-producer",
            in: "header",
            required: false,
            description:
              "producer for the whole request (default: the resource's service.name[/service.instance.id])",
            schema: { type: "string", maxLength: 128 },
          },
        ],
        requestBody: {
          required: true,
          description:
            "an ExportLogsServiceRequest (opentelemetry-proto collector/logs/v1); Content-Encoding gzip allowed",
          content: {
            "application/x-protobuf": { schema: { type: "string", format: "binary" } },
            "application/json": {
              schema: {
                type: "object",
                properties: { resourceLogs: { type: "array", items: { type: "object" } } },
              },
            },
          },
        },
        responses: {
          "200": {
            description:
              "ExportLogsServiceResponse: empty when every record was accepted, else partialSuccess {rejectedLogRecords, errorMessage}",
            content: {
              "application/x-protobuf": { schema: { type: "string", format: "binary" } },
              "application/json": {
                schema: {
                  type: "object",
                  properties: {
                    partialSuccess: {
                      type: "object",
                      properties: {
                        rejectedLogRecords: { type: "integer" },
                        errorMessage: { type: "string" },
                      },
                    },
                  },
                },
              },
            },
          },
          "400": otlpStatus("undecodable body"),
          "401": otlpStatus("missing, malformed, unknown or revoked key"),
          "403": otlpStatus("the key lacks the ingest scope"),
          "413": otlpStatus("over a size or record-count limit"),
          "415": otlpStatus("unsupported Content-Type or Content-Encoding"),
          "429": otlpStatus("a log is behind on sealing; Retry-After"),
          "503": otlpStatus("a log is overloaded or unreachable; Retry-After"),
        },
      },
    },
    "/v1/experiments": {
      get: {
        summary:
          "A/B exposures per experiment and variant with a chi-square sample-ratio mismatch check, srm at p < 0.001 (scope: read)",
        parameters: [
          queryParam("experiment", "only this experiment (1–200 characters)"),
          queryParam("since", "exposures received at or after (RFC 3339; widened to the whole UTC hour)", {
            type: "string",
            format: "date-time",
          }),
          queryParam("until", "exposures received before (RFC 3339; widened to the whole UTC hour)", {
            type: "string",
            format: "date-time",
          }),
        ],
        responses: {
          "200": ok(
            "window used, threshold, and per experiment: exposures, subjects, variants with expected and observed shares, test {unit, statistic, df, p_value}, srm, verdict",
            json(ref("Experiments")),
          ),
          ...badRequest,
          ...authErrors,
        },
      },
    },
    "/v1/admin/tenants": {
      post: {
        summary: "create a tenant (deployment admin token)",
        requestBody: {
          required: true,
          content: json({
            type: "object",
            required: ["name"],
            properties: {
              name: { type: "string" },
              id: { type: "string", pattern: TENANT_ID_PATTERN.source },
              shards: { type: "integer", minimum: 1, maximum: MAX_SHARDS, default: 1 },
              jurisdiction: {
                enum: [...JURISDICTIONS, null],
                description:
                  "keep the tenant's Durable Objects and archive in this jurisdiction, for good (README: Data residency); absent or null: unrestricted",
              },
            },
          }),
        },
        responses: {
          "201": ok("created", json(ref("TenantCreated"))),
          "409": error("exists (jurisdiction_immutable when it exists with another jurisdiction)"),
          "422": error("invalid name or id"),
          "501": error("no R2 archive bucket is bound for the jurisdiction in this deployment"),
          ...badRequest,
          ...tooLarge,
          ...authErrors,
        },
      },
    },
    "/v1/admin/tenants/{tenant}": {
      get: {
        summary:
          "a tenant with its routing generations, its jurisdiction and whether this runtime enforces it (admin)",
        parameters: [tenantParam],
        responses: { "200": ok("tenant", json(ref("Tenant"))), ...authErrors, ...notFound },
      },
    },
    "/v1/admin/tenants/{tenant}/mask-key": {
      get: {
        summary:
          "the tenant's mask key: HMAC-SHA256 key of masked values and of masked events' committed form; never to read or ingest keys (admin)",
        parameters: [tenantParam],
        responses: { "200": ok("mask key", json(ref("MaskKey"))), ...authErrors, ...notFound },
      },
    },
    "/v1/admin/tenants/{tenant}/keys": {
      get: {
        summary:
          "list the tenant's keys, revoked ones too: id, scopes, created, last used (to within a minute); never a key or its hash (admin)",
        parameters: [tenantParam],
        responses: {
          "200": ok("keys", json(ref("KeyList"))),
          ...authErrors,
          ...notFound,
        },
      },
      post: {
        summary: "create a key; shown only in this answer, stored hashed (admin)",
        parameters: [tenantParam],
        requestBody: {
          required: true,
          content: json({
            type: "object",
            required: ["scopes"],
            properties: { scopes: { type: "array", items: { enum: [...SCOPES] }, minItems: 1 } },
          }),
        },
        responses: {
          "201": ok("created", json(ref("KeyCreated"))),
          "422": error("invalid scopes"),
          ...badRequest,
          ...tooLarge,
          ...authErrors,
          ...notFound,
        },
      },
    },
    "/v1/admin/tenants/{tenant}/shards": {
      put: {
        summary: "spread new events over N logs; earlier generations stay searchable (admin)",
        parameters: [tenantParam],
        requestBody: {
          required: true,
          content: json({
            type: "object",
            required: ["shards"],
            properties: {
              shards: { type: "integer", minimum: 1, maximum: MAX_SHARDS },
              jurisdiction: { description: "optional; must be the tenant's own (409 otherwise)" },
            },
          }),
        },
        responses: {
          "200": ok("routing", json(ref("Routing"))),
          "409": error("jurisdiction_immutable: the body asks for another jurisdiction"),
          "422": error("invalid count"),
          ...badRequest,
          ...tooLarge,
          ...authErrors,
          ...notFound,
        },
      },
    },
    "/v1/admin/tenants/{tenant}/policy": {
      get: {
        summary: "the policy in force (admin)",
        parameters: [tenantParam],
        responses: { "200": ok("policy", json(ref("PolicyAnswer"))), ...authErrors, ...notFound },
      },
      put: {
        summary: "set the sampling policy (schema/policy.schema.json); refused whole when invalid (admin)",
        parameters: [tenantParam],
        requestBody: { required: true, content: json({ type: "object" }) },
        responses: {
          "200": ok("set", json(ref("PolicyAnswer"))),
          "422": error("invalid policy: the first 50 problems listed, the message giving the total"),
          ...badRequest,
          ...tooLarge,
          ...authErrors,
          ...notFound,
        },
      },
      delete: {
        summary: "back to the default policy (admin)",
        parameters: [tenantParam],
        responses: { "200": ok("reset", json(ref("PolicyAnswer"))), ...authErrors, ...notFound },
      },
    },
    "/v1/admin/keys/{id}": {
      delete: {
        summary: "revoke a key (admin)",
        parameters: [pathParam("id", "key id")],
        responses: { "200": ok("revoked", json(ref("KeyRevoked"))), ...authErrors, ...notFound },
      },
    },
  },
  components: {
    securitySchemes: {
      bearer: {
        type: "http",
        scheme: "bearer",
        description: "a tenant key (elk_<tenant>_<key id>_<secret>) or the deployment's admin token",
      },
    },
    schemas: SCHEMAS,
  },
} as const;

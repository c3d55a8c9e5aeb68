/**
 * The JSON Schemas (2020-12, as OpenAPI 3.1 uses) of every answer body, for the OpenAPI
 * document's `components.schemas`. Each mirrors a wire type of src/core/protocol and takes its
 * enums, patterns and limits from there; test/worker/openapi-answers.test.ts validates real
 * answers of every route against them, so a schema that drifts from the code fails a test.
 * Closed objects (`additionalProperties: false`) list every member the server sends.
 */
import {
  API_KEY_PATTERN,
  CHAIN_VERDICTS,
  EVENT_ID_PATTERN,
  HASH_HEX_PATTERN,
  ITEM_STATUSES,
  JURISDICTIONS,
  MAX_SHARDS,
  RETAINED_KINDS,
  SCOPES,
  SEQUENCE_FLAGS,
  TENANT_ID_PATTERN,
  TIERS,
} from "../core/protocol";

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const str = { type: "string" } as const;
const int = { type: "integer", minimum: 0 } as const;
const dateTime = { type: "string", format: "date-time" } as const;

/** An object with exactly these members, `required` ones always present. */
function closed(properties: Record<string, object>, required: readonly string[] = Object.keys(properties)) {
  return { type: "object", required: [...required], properties, additionalProperties: false };
}

const itemError = closed({ path: str, message: str });

export const SCHEMAS = {
  Hash: { type: "string", pattern: HASH_HEX_PATTERN.source },
  OpenSettings: {
    type: "object",
    properties: {
      tiles: { enum: ["public", "key"] },
      witnesses: {
        type: "array",
        maxItems: 16,
        items: {
          type: "object",
          required: ["vkey", "url"],
          properties: { name: { type: "string" }, vkey: { type: "string" }, url: { type: "string" } },
        },
      },
    },
  },
  EventId: { type: "string", pattern: EVENT_ID_PATTERN.source },
  Tier: { enum: [...TIERS] },
  Scope: { enum: [...SCOPES] },

  // ErrorBody (src/core/protocol/errors.ts)
  Error: closed({
    error: closed(
      {
        code: { type: "string", minLength: 1 },
        message: { type: "string", minLength: 1 },
        details: { type: "array", items: closed({ path: str, message: str }, ["message"]) },
      },
      ["code", "message", "details"],
    ),
  }),

  // ItemResult, IngestResponse (src/core/protocol/ingest.ts)
  ItemResult: closed(
    {
      index: int,
      status: { enum: [...ITEM_STATUSES] },
      id: { oneOf: [ref("EventId"), { type: "null" }] },
      log: { type: ["string", "null"] },
      seq: { type: ["integer", "null"], minimum: 0 },
      tier: { oneOf: [ref("Tier"), { type: "null" }] },
      errors: { type: "array", items: itemError },
      conflict: { const: true },
      batch: int,
      leaf_index: int,
    },
    ["index", "status", "id", "log", "seq", "tier", "errors"],
  ),
  IngestResponse: closed({
    accepted: int,
    duplicates: int,
    rejected: int,
    conflicts: int,
    results: { type: "array", items: ref("ItemResult") },
  }),

  // Envelope (src/core/protocol/envelope.ts)
  Envelope: closed(
    {
      log: str,
      seq: int,
      id: ref("EventId"),
      received_at: dateTime,
      tier: ref("Tier"),
      declared_tier: ref("Tier"),
      rule: str,
      schema: str,
      digest: { type: "string", pattern: `^sha256:${EVENT_ID_PATTERN.source.slice(1, -1)}$` },
      retained: { enum: [...RETAINED_KINDS] },
      sample: closed({
        rate: { type: "number", exclusiveMinimum: 0, maximum: 1 },
        threshold: str,
        adjusted_count: { type: "number" },
        in_sample: { type: "boolean" },
      }),
      masked: { type: "array", items: str, minItems: 1 },
      producer: str,
      chain: { enum: [...CHAIN_VERDICTS] },
      sequence: { enum: [...SEQUENCE_FLAGS] },
      missing: int,
      future_timestamp: { const: true },
      conflict: { const: true },
    },
    ["log", "seq", "id", "received_at", "tier", "schema", "digest", "retained", "producer", "chain"],
  ),

  // BatchHeader (src/core/protocol/batch-header.ts): open, verifiers keep unknown members.
  BatchHeader: {
    type: "object",
    required: ["log", "batch", "first_seq", "count", "root", "sealed_at"],
    properties: {
      log: str,
      batch: int,
      first_seq: int,
      count: { type: "integer", minimum: 1 },
      root: ref("Hash"),
      sealed_at: dateTime,
    },
  },

  // EventProof, Erasure, EventDocument (src/core/protocol/event-proof.ts)
  EventProof: closed({
    batch: ref("BatchHeader"),
    leaf_index: int,
    batch_path: { type: "array", items: ref("Hash") },
    batch_index: int,
    tree_size: { type: "integer", minimum: 1 },
    log_path: { type: "array", items: ref("Hash") },
    checkpoint: str,
  }),
  Erasure: closed({ at: dateTime, reason: { type: "string", minLength: 1 } }),
  EventDocument: closed(
    {
      envelope: ref("Envelope"),
      event: { description: "retained content (body or projection), null once erased" },
      erased: ref("Erasure"),
      status: { enum: ["sealed", "pending"] },
      proof: { oneOf: [ref("EventProof"), { type: "null" }] },
    },
    ["envelope", "event", "status", "proof"],
  ),
  ErasureAnswer: closed({ id: ref("EventId"), erased: ref("Erasure") }),
  EventPage: closed({
    items: { type: "array", items: closed({ envelope: ref("Envelope") }) },
    next_cursor: { type: ["string", "null"] },
  }),

  // LogInfo (src/core/protocol/log-info.ts)
  LogInfo: closed({ log: str, origin: str, size: int, events: int, pending: int }),
  // WitnessStatus (src/shard/witnessing.ts)
  WitnessStatus: closed({ witness: str, vkey: str, size: int, status: str, at: dateTime }, [
    "witness",
    "vkey",
    "size",
    "status",
  ]),
  Consistency: closed({ from: int, to: int, path: { type: "array", items: ref("Hash") } }),
  // TenantHeadDocument (src/core/tenant-head.ts)
  TenantHead: closed({
    note: str,
    shards: {
      type: "array",
      items: closed({
        log: str,
        origin: str,
        size: int,
        root: ref("Hash"),
        checkpoint: { type: ["string", "null"] },
      }),
    },
  }),

  Stats: closed({
    since: { oneOf: [dateTime, { type: "null" }] },
    until: { oneOf: [dateTime, { type: "null" }] },
    group_by: { type: ["string", "null"] },
    events: int,
    groups: {
      type: "array",
      items: {
        oneOf: [
          closed({ key: { type: ["string", "null"] }, count: int, exact: { const: true } }),
          closed({
            key: { type: ["string", "null"] },
            estimate: { type: "number" },
            standard_error: { type: "number" },
            observed: int,
            exact: { const: false },
          }),
        ],
      },
    },
    coverage: closed({ estimable: int, lightweight: int, bodies_not_in_sqlite: int }),
    sampling: {
      type: "array",
      items: closed({
        rate: { type: "number" },
        events: int,
        in_sample: int,
        observed_rate: { type: ["number", "null"] },
      }),
    },
    producers: {
      type: "array",
      items: {
        type: "object",
        required: ["producer", "events"],
        properties: { producer: str, events: int },
        additionalProperties: int,
      },
    },
    capped: {
      oneOf: [
        { type: "null" },
        closed({
          keys_limit: int,
          other: int,
          other_producers: {
            oneOf: [
              { type: "null" },
              {
                type: "object",
                required: ["events"],
                properties: { events: int },
                additionalProperties: int,
              },
            ],
          },
        }),
      ],
    },
  }),

  RoutingVersion: closed({
    version: { type: "integer", minimum: 1 },
    shards: { type: "integer", minimum: 1, maximum: MAX_SHARDS },
    since: dateTime,
  }),
  // src/worker/residency.ts: null for a tenant without a jurisdiction.
  Residency: {
    oneOf: [
      { type: "null" },
      closed({ enforced: { type: "boolean" }, archive_binding: str, warning: str }, [
        "enforced",
        "archive_binding",
      ]),
    ],
  },
  TenantCreated: closed({
    id: { type: "string", pattern: TENANT_ID_PATTERN.source },
    name: str,
    created_at: dateTime,
    shards: { type: "integer", minimum: 1, maximum: MAX_SHARDS },
    jurisdiction: { enum: [...JURISDICTIONS, null] },
    residency: ref("Residency"),
  }),
  Tenant: closed({
    id: { type: "string", pattern: TENANT_ID_PATTERN.source },
    name: str,
    created_at: dateTime,
    routing: { type: "array", items: ref("RoutingVersion"), minItems: 1 },
    jurisdiction: { enum: [...JURISDICTIONS, null] },
    residency: ref("Residency"),
  }),
  Routing: closed({ id: str, routing: { type: "array", items: ref("RoutingVersion"), minItems: 1 } }),
  KeyCreated: closed({
    id: str,
    key: { type: "string", pattern: API_KEY_PATTERN.source },
    scopes: { type: "array", items: ref("Scope"), minItems: 1 },
    tenant: str,
    created_at: dateTime,
  }),
  KeyList: closed({
    tenant: str,
    keys: {
      type: "array",
      items: closed({
        id: { type: "string", pattern: "^[0-9a-f]{12}$" },
        scopes: { type: "array", items: ref("Scope") },
        created_at: dateTime,
        last_used_at: { oneOf: [dateTime, { type: "null" }] },
        revoked_at: { oneOf: [dateTime, { type: "null" }] },
      }),
    },
  }),
  KeyRevoked: closed({ id: str, revoked: { const: true } }),
  PolicyAnswer: closed({
    tenant: str,
    policy: { type: "object", description: "the policy document (schema/policy.schema.json)" },
    default: { type: "boolean" },
  }),
  // GET /v1/experiments (src/worker/routes/experiments.ts); per experiment and variant, further members may appear.
  Experiments: closed({
    window: closed({
      since: { oneOf: [dateTime, { type: "null" }] },
      until: { oneOf: [dateTime, { type: "null" }] },
      granularity: { const: "hour" },
    }),
    threshold: { type: "number" },
    truncated: { type: "boolean" },
    experiments: {
      type: "array",
      items: {
        type: "object",
        required: ["experiment", "exposures", "subjects", "variants", "test", "srm", "verdict"],
        properties: {
          experiment: str,
          exposures: int,
          subjects: int,
          srm: { type: ["boolean", "null"] },
          verdict: str,
          variants: {
            type: "array",
            items: {
              type: "object",
              required: ["variant", "exposures", "subjects"],
              properties: { variant: str, exposures: int, subjects: int },
            },
          },
          test: { type: "object" },
        },
      },
    },
  }),
  Health: closed({ ok: { const: true } }),
} as const;

import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { ApiError } from "../api-error";
import { tenantFor } from "../middleware/auth";
import { readBody } from "../body/read-body";
import { MAX_NESTING, nestsDeeperThan } from "../body/parse-events";
import { prepareItem, type PrepareContext } from "../ingest/prepare";
import { maskSaltOf, policyOf, producerOf } from "../ingest/tenant-context";
import { appendPrepared } from "../ingest/append-prepared";
import { itemsOf, resourceProducer } from "../otlp/records";
import { decodeLogsJson } from "../../core/otlp/decode-json";
import { decodeLogsProtobuf } from "../../core/otlp/decode-protobuf";
import { OtlpDecodeError, OtlpTooManyRecords, type OtlpLogsRequest } from "../../core/otlp/logs-request";
import {
  exportResponseJson,
  exportResponseProtobuf,
  rpcCodeOf,
  statusProtobuf,
  type PartialSuccess,
} from "../../core/otlp/response";

export const OTLP_LOGS_PATH = "/v1/otlp/v1/logs";

/** Problems named in `partialSuccess.errorMessage`; the count covers all of them. */
const NAMED_PROBLEMS = 5;
/**
 * A kvlist body nests about four JSON levels per level of the event it carries
 * ({"kvlistValue":{"values":[{"value":…}]}}), so the request text may nest that much deeper.
 */
const JSON_BODY_NESTING = 4 * MAX_NESTING + 16;

type Encoding = "protobuf" | "json";

function encodingOf(contentType: string | undefined): Encoding {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/x-protobuf") return "protobuf";
  if (type === "application/json") return "json";
  throw new ApiError(
    415,
    "unsupported_media_type",
    `unsupported Content-Type '${type}' for OTLP/HTTP (supported: application/x-protobuf, application/json)`,
  );
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

function decode(bytes: Uint8Array, encoding: Encoding, maxRecords: number): OtlpLogsRequest {
  try {
    if (encoding === "protobuf") return decodeLogsProtobuf(bytes, maxRecords);
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      throw new ApiError(400, "invalid_utf8", "request body is not valid UTF-8");
    }
    if (nestsDeeperThan(text, JSON_BODY_NESTING)) {
      throw new ApiError(
        400,
        "too_deep",
        `request body nests arrays or objects deeper than ${JSON_BODY_NESTING} levels`,
      );
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new ApiError(400, "invalid_json", `request body is not valid JSON: ${(err as Error).message}`);
    }
    return decodeLogsJson(value, maxRecords);
  } catch (err) {
    if (err instanceof OtlpTooManyRecords) throw new ApiError(413, "too_many_events", err.message);
    if (err instanceof OtlpDecodeError)
      throw new ApiError(
        400,
        "invalid_otlp",
        `body is not an OTLP ExportLogsServiceRequest (${encoding}): ${err.message}`,
      );
    throw err;
  }
}

/**
 * POST /v1/otlp/v1/logs: OTLP/HTTP logs intake (OTLP specification, "OTLP/HTTP"). Each LogRecord
 * whose body is a DES event is ingested like an event of POST /v1/events (same auth, limits,
 * gzip, policy, proofs); the others are rejected one by one and counted in partialSuccess.
 */
export async function otlpLogs(c: Context<AppEnv>): Promise<Response> {
  const tenant = tenantFor(c.var.principal, "ingest");
  const config = c.var.config;
  const encoding = encodingOf(c.req.header("content-type"));
  const bytes = await readBody(c.req.raw, config);
  const request = decode(bytes, encoding, config.maxEventsPerRequest);
  const records = itemsOf(request);

  const header = c.req.header("x-edgelog-producer");
  const base: Omit<PrepareContext, "producer"> = {
    maxEventBytes: config.maxEventBytes,
    policy: policyOf(tenant),
    maskSalt: await maskSaltOf(c.env, tenant.id),
    maxFutureSkewMs: config.maxFutureSkewMs,
    now: Date.now(),
  };
  const fallback = producerOf(header, tenant);
  const producers = request.resourceLogs.map((rl) =>
    header !== undefined ? fallback : (resourceProducer(rl.attributes) ?? fallback),
  );
  const prepared = await Promise.all(
    records.map(({ item, resource, index }) => {
      const producer = producers[resource]!;
      if (producer instanceof Error)
        return { ok: false as const, index, errors: [{ path: "", message: producer.message }] };
      return prepareItem(item, { ...base, producer });
    }),
  );
  const results = records.length === 0 ? [] : await appendPrepared(c.env, config, tenant, prepared, false);

  const problems: string[] = [];
  let rejected = 0;
  for (const r of results) {
    if (r.status !== "rejected") continue;
    rejected++;
    if (problems.length < NAMED_PROBLEMS) {
      const first = r.errors[0];
      const more = r.errors.length > 1 ? ` (and ${r.errors.length - 1} more)` : "";
      problems.push(
        `${records[r.index]!.path}: ${first ? `${first.path ? `${first.path} ` : ""}${first.message}` : "rejected"}${more}`,
      );
    }
  }
  const partial: PartialSuccess | null =
    rejected === 0
      ? null
      : {
          rejectedLogRecords: rejected,
          errorMessage: `${rejected} of ${results.length} log records rejected (not DES events): ${problems.join("; ")}${rejected > problems.length ? "; …" : ""}`,
        };
  if (encoding === "json") return c.json(exportResponseJson(partial), 200);
  return new Response(exportResponseProtobuf(partial), {
    status: 200,
    headers: { "content-type": "application/x-protobuf" },
  });
}

/**
 * An error answer on the OTLP path: a google.rpc.Status in the request's encoding (JSON as
 * `{code, message, details}` plus edgelog's usual `error` member), keeping the status code and
 * headers such as Retry-After, which is what OTLP exporters act on.
 */
export function otlpErrorResponse(req: Request, err: ApiError): Response {
  const type = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  const code = rpcCodeOf(err.status);
  if (type === "application/x-protobuf") {
    return new Response(statusProtobuf(code, err.message), {
      status: err.status,
      headers: { "content-type": "application/x-protobuf", ...err.headers },
    });
  }
  const body = {
    code,
    message: err.message,
    details: [],
    error: { code: err.code, message: err.message, details: err.details },
  };
  return new Response(JSON.stringify(body), {
    status: err.status,
    headers: { "content-type": "application/json", ...err.headers },
  });
}

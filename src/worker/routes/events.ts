import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { ApiError, notFound } from "../api-error";
import { requireTenantAdmin, tenantFor } from "../middleware/auth";
import { readBody } from "../body/read-body";
import { bodyFormat, parseEvents } from "../body/parse-events";
import { prepareItem, type PrepareContext } from "../ingest/prepare";
import { appendPrepared } from "../ingest/append-prepared";
import { maskSaltOf, policyOf, producerOf } from "../ingest/tenant-context";
import { logRef, shardStub, shardsOf } from "../routing";
import { ingestStatus, isEventId, MAX_ERASURE_REASON_CHARS, tally } from "../../core/protocol";
import { listEvents } from "./query";

export const events = new Hono<AppEnv>();

events.get("/", listEvents);

events.post("/", async (c) => {
  const tenant = tenantFor(c.var.principal, "ingest");
  const config = c.var.config;
  const wait = c.req.query("wait");
  if (wait !== undefined && wait !== "sealed") {
    throw new ApiError(400, "invalid_parameter", `unknown value '${wait}' for 'wait' (supported: sealed)`);
  }
  const format = bodyFormat(c.req.header("content-type"));
  const bytes = await readBody(c.req.raw, config);
  const items = parseEvents(bytes, format, config);
  const ctx: PrepareContext = {
    maxEventBytes: config.maxEventBytes,
    policy: policyOf(tenant),
    maskSalt: await maskSaltOf(c.env, tenant.id),
    producer: producerOf(c.req.header("x-edgelog-producer"), tenant),
    maxFutureSkewMs: config.maxFutureSkewMs,
    now: Date.now(),
  };
  const prepared = await Promise.all(items.map((item) => prepareItem(item, ctx)));

  const results = await appendPrepared(c.env, config, tenant, prepared, wait === "sealed");
  const totals = tally(results);
  return c.json({ ...totals, results }, ingestStatus(totals));
});

events.get("/:id", async (c) => {
  const tenant = tenantFor(c.var.principal, "read");
  const id = c.req.param("id").toLowerCase();
  if (!isEventId(id)) {
    throw new ApiError(
      400,
      "invalid_id",
      "event ids are 64 lowercase hex digits (SHA-256 of the canonical event)",
    );
  }
  const records = await Promise.all(
    shardsOf(tenant.routing).map((shard) =>
      shardStub(c.env, logRef(c.var.config, tenant, shard)).getEvent(id),
    ),
  );
  for (const record of records) {
    if (!record) continue;
    // The envelope and the body are answered as stored (RFC 8785 text): a reader can hash
    // exactly the bytes it receives.
    const text =
      `{"envelope":${record.envelopeText},"event":${record.body ?? "null"}` +
      (record.erased ? `,"erased":${JSON.stringify(record.erased)}` : "") +
      `,"status":"${record.proof ? "sealed" : "pending"}","proof":${JSON.stringify(record.proof)}}`;
    return c.body(text, 200, { "content-type": "application/json" });
  }
  throw notFound(`event ${id}`);
});

/** DELETE /v1/events/{id}/body {"reason"?}: erasure that keeps the envelope and every proof. */
events.delete("/:id/body", async (c) => {
  const principal = c.var.principal;
  if (principal.kind !== "key")
    throw new ApiError(403, "forbidden", "erasing a body needs a tenant key with the 'admin' scope");
  requireTenantAdmin(principal, principal.tenant);
  const tenant = principal.tenant;
  const routing = principal.routing;
  const id = c.req.param("id").toLowerCase();
  if (!isEventId(id)) {
    throw new ApiError(
      400,
      "invalid_id",
      "event ids are 64 lowercase hex digits (SHA-256 of the canonical event)",
    );
  }
  let reason = "erasure request";
  const text = await c.req.text();
  if (text.trim().length > 0) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      throw new ApiError(400, "invalid_json", `request body is not valid JSON: ${(err as Error).message}`);
    }
    const r = (body as { reason?: unknown } | null)?.reason;
    if (r !== undefined && (typeof r !== "string" || r.length === 0 || r.length > MAX_ERASURE_REASON_CHARS)) {
      throw new ApiError(
        422,
        "invalid_reason",
        `'reason' must be a non-empty string of at most ${MAX_ERASURE_REASON_CHARS} characters`,
        [
          {
            path: "/reason",
            message: `must be a non-empty string of at most ${MAX_ERASURE_REASON_CHARS} characters`,
          },
        ],
      );
    }
    if (typeof r === "string") reason = r;
  }
  for (const shard of shardsOf(routing)) {
    const log = logRef(c.var.config, { id: tenant, jurisdiction: principal.jurisdiction }, shard);
    const result = await shardStub(c.env, log).eraseEventBody(id, reason);
    if (!result.found) continue;
    if (!result.erased) throw new ApiError(409, "no_body", `event ${id} has no retained body to erase`);
    return c.json({ id, erased: result.erased });
  }
  throw notFound(`event ${id}`);
});

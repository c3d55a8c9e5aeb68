import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { ApiError, notFound } from "../api-error";
import { tenantFor, type TenantScope } from "../middleware/auth";
import { fanOut } from "../fan-out";
import { logRef, shardStub, shardsOf } from "../routing";
import { LOG_NUMBER_PATTERN, type LogInfo } from "../../core/protocol";

export const logs = new Hono<AppEnv>();

/** A log is named by its shard number within the tenant: `/v1/logs/0/...`. */
function shardParam(tenant: TenantScope, raw: string): number {
  const shard = LOG_NUMBER_PATTERN.test(raw) ? Number(raw) : NaN;
  if (!shardsOf(tenant.routing).includes(shard)) throw notFound(`log '${raw}'`);
  return shard;
}

function intParam(name: string, raw: string | undefined): number {
  if (raw === undefined)
    throw new ApiError(400, "missing_parameter", `query parameter '${name}' is required`);
  if (!/^(0|[1-9][0-9]{0,15})$/.test(raw)) {
    throw new ApiError(400, "invalid_parameter", `'${name}' must be a non-negative integer, found '${raw}'`);
  }
  return Number(raw);
}

logs.get("/", async (c) => {
  const tenant = tenantFor(c.var.principal, "read");
  const out: LogInfo[] = await fanOut(c.env, c.var.config, tenant, async (stub, log) => {
    const info = await stub.info();
    return {
      log: String(log.shard),
      origin: log.origin,
      size: info?.size ?? 0,
      events: info?.events ?? 0,
      pending: info?.pending ?? 0,
    };
  });
  return c.json(out);
});

logs.get("/:log/checkpoint", async (c) => {
  const tenant = tenantFor(c.var.principal, "read");
  const log = logRef(c.var.config, tenant, shardParam(tenant, c.req.param("log")));
  const note = await shardStub(c.env, log).latestCheckpoint();
  if (note === null) throw new ApiError(404, "no_checkpoint", `log ${log.origin} has no sealed batch yet`);
  return c.text(note, 200, { "content-type": "text/plain; charset=utf-8" });
});

logs.get("/:log/key", async (c) => {
  const tenant = tenantFor(c.var.principal, "read");
  const log = logRef(c.var.config, tenant, shardParam(tenant, c.req.param("log")));
  const vkey = await shardStub(c.env, log).verifierKey();
  if (vkey === null) throw new ApiError(404, "no_key", `log ${log.origin} has not been written yet`);
  return c.text(`${vkey}\n`, 200, { "content-type": "text/plain; charset=utf-8" });
});

logs.get("/:log/consistency", async (c) => {
  const tenant = tenantFor(c.var.principal, "read");
  const log = logRef(c.var.config, tenant, shardParam(tenant, c.req.param("log")));
  const from = intParam("from", c.req.query("from"));
  const to = intParam("to", c.req.query("to"));
  const result = await shardStub(c.env, log).consistency(from, to);
  if (!result.ok) throw new ApiError(400, "invalid_range", result.message);
  return c.json({ from: result.from, to: result.to, path: result.path });
});

/**
 * A batch's export (NDJSON: header line, then one line per event; README: Storage). It is
 * stored gzip-compressed: a client that accepts gzip gets the stored bytes as they are.
 */
logs.get("/:log/batches/:n", async (c) => {
  const tenant = tenantFor(c.var.principal, "read");
  const log = logRef(c.var.config, tenant, shardParam(tenant, c.req.param("log")));
  const n = intParam("n", c.req.param("n"));
  const bundle = await shardStub(c.env, log).batchBundle(n);
  if (bundle === null) throw notFound(`batch ${n} of log ${log.origin}`);
  if (acceptsGzip(c.req.header("accept-encoding"))) {
    // "manual": the runtime sends the bytes as they are instead of compressing them again.
    return new Response(bundle, {
      headers: {
        "content-type": "application/x-ndjson",
        "content-encoding": "gzip",
        vary: "accept-encoding",
      },
      encodeBody: "manual",
    });
  }
  const body = new Blob([bundle]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Response(body, { headers: { "content-type": "application/x-ndjson", vary: "accept-encoding" } });
});

/** Whether an Accept-Encoding header (RFC 9110 §12.5.3) admits gzip. */
function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(",").some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(";");
    if (coding !== "gzip" && coding !== "*") return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { ApiError, notFound } from "../api-error";
import { tenantFor, type TenantScope } from "../middleware/auth";
import { fanOut } from "../fan-out";
import { logRef, shardStub, shardsOf } from "../routing";
import { LOG_NUMBER_PATTERN, MAX_EXPORT_BATCHES, type LogInfo } from "../../core/protocol";

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

/** Bytes of stored bundles asked of the LogShard per call while streaming a range export. */
const RANGE_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Batches `from` … `to` − 1 in one answer: their exports one after another (each starts with its
 * header line, whose `count` says how many event lines follow). `Accept: application/gzip` gets
 * the stored gzip members back to back as the content — a gzip file may be a series of members
 * (RFC 1952 §2.2) — so the Worker passes bytes through and does nothing per event. Not as
 * `Content-Encoding: gzip`: HTTP clients and `DecompressionStream` stop after the first member.
 * Otherwise the Worker inflates each bundle (the platform may compress the answer in transit).
 */
logs.get("/:log/batches", async (c) => {
  const tenant = tenantFor(c.var.principal, "read");
  const log = logRef(c.var.config, tenant, shardParam(tenant, c.req.param("log")));
  const from = intParam("from", c.req.query("from"));
  const to = intParam("to", c.req.query("to"));
  if (to <= from) {
    throw new ApiError(400, "invalid_range", `'to' (exclusive) must be above 'from': from=${from}, to=${to}`);
  }
  if (to - from > MAX_EXPORT_BATCHES) {
    throw new ApiError(
      400,
      "invalid_range",
      `at most ${MAX_EXPORT_BATCHES} batches per request: from=${from}, to=${to} asks for ${to - from}`,
    );
  }
  const stub = shardStub(c.env, log);
  const first = await stub.batchBundles(from, to, RANGE_CHUNK_BYTES);
  if (to > first.sealed) throw notFound(`batch ${Math.max(from, first.sealed)} of log ${log.origin}`);
  const members = /(^|,)\s*application\/gzip\s*(;|,|$)/i.test(c.req.header("accept") ?? "");
  let next = from;
  let chunk: Uint8Array[] | null = first.bundles;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (chunk === null) chunk = (await stub.batchBundles(next, to, RANGE_CHUNK_BYTES)).bundles;
      if (chunk.length === 0) throw new Error(`batch ${next} of log ${log.origin} disappeared mid-export`);
      for (const bundle of chunk) {
        controller.enqueue(members ? bundle : await gunzipBytes(bundle));
        next++;
      }
      chunk = null;
      if (next >= to) controller.close();
    },
  });
  return new Response(body, {
    headers: { "content-type": members ? "application/gzip" : "application/x-ndjson", vary: "accept" },
  });
});

async function gunzipBytes(bundle: Uint8Array): Promise<Uint8Array> {
  const out = new Blob([bundle]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(out).arrayBuffer());
}

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

import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { ApiError } from "../api-error";
import { tenantFor, type TenantScope } from "../middleware/auth";
import { decodeCursor, encodeCursor, type Cursor } from "../query-cursor";
import { fanOut } from "../fan-out";
import { shardsOf } from "../routing";
import type { EventFilter } from "../../shard/query";
import { MAX_FILTER_CHARS, QUERY_DEFAULT_LIMIT, QUERY_MAX_LIMIT, TIERS } from "../../core/protocol";

function timeParam(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const t = /^\d{4}-\d{2}-\d{2}T/.test(raw) ? Date.parse(raw) : NaN;
  if (Number.isNaN(t))
    throw new ApiError(400, "invalid_parameter", `'${name}' must be an RFC 3339 date-time, found '${raw}'`);
  return t;
}

function textParam(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (raw.length === 0 || raw.length > MAX_FILTER_CHARS) {
    throw new ApiError(400, "invalid_parameter", `'${name}' must be 1 to ${MAX_FILTER_CHARS} characters`);
  }
  return raw;
}

export function parseFilter(c: Context<AppEnv>): EventFilter {
  const tier = c.req.query("tier");
  if (tier !== undefined && !(TIERS as readonly string[]).includes(tier)) {
    throw new ApiError(400, "invalid_parameter", `'tier' must be one of: ${TIERS.join(", ")}`);
  }
  const filter: EventFilter = {};
  const decisionId = textParam("decision_id", c.req.query("decision_id"));
  const decisionType = textParam("decision_type", c.req.query("decision_type"));
  const since = timeParam("since", c.req.query("since"));
  const until = timeParam("until", c.req.query("until"));
  if (decisionId !== undefined) filter.decisionId = decisionId;
  if (decisionType !== undefined) filter.decisionType = decisionType;
  if (tier !== undefined) filter.tier = tier;
  if (since !== undefined) filter.since = since;
  if (until !== undefined) filter.until = until;
  return filter;
}

function filterKey(f: EventFilter): string {
  return JSON.stringify([
    f.decisionId ?? null,
    f.decisionType ?? null,
    f.tier ?? null,
    f.since ?? null,
    f.until ?? null,
  ]);
}

interface PageItem {
  shard: number;
  seq: number;
  received_at: number;
  envelope: string;
  body?: string | null;
}

/**
 * One page across all shards: each shard is asked for up to `limit` matches from its cursor,
 * the answers are merged by received_at, and each shard's cursor advances past exactly the
 * events that made the page. Every matching event appears on exactly one page.
 *
 * A caught-up shard keeps its position, so events ingested while a client pages are found by
 * the next page; the query is done when one page finds every shard caught up. With `settle`, a
 * shard found caught up is not asked again (its cursor becomes null): an export then ends even
 * while ingest outpaces it, holding what each shard had when the export reached its end.
 */
async function page(
  c: Context<AppEnv>,
  tenant: TenantScope,
  filter: EventFilter,
  cursor: Cursor,
  limit: number,
  withBody: boolean,
  settle: boolean,
): Promise<{ items: PageItem[]; cursor: Cursor; done: boolean }> {
  const shards = shardsOf(tenant.routing).filter((s) => cursor.s[s] !== null);
  const answers = await fanOut(
    c.env,
    c.var.config,
    tenant,
    async (stub, log) => {
      const from = cursor.s[log.shard] ?? 0;
      return { shard: log.shard, from, result: await stub.query(filter, from, limit, withBody) };
    },
    shards,
  );
  const merged: PageItem[] = answers.flatMap(({ shard, result }) =>
    result.items.map((i) => ({ ...i, shard })),
  );
  merged.sort((a, b) => a.received_at - b.received_at || a.shard - b.shard || a.seq - b.seq);
  const taken = merged.slice(0, limit);
  const next: Cursor = { v: 1, f: cursor.f, s: { ...cursor.s } };
  let done = true;
  for (const { shard, from, result } of answers) {
    const mine = taken.filter((i) => i.shard === shard);
    if (mine.length === result.items.length) {
      next.s[shard] = settle && result.caughtUp ? null : result.next;
      if (!result.caughtUp) done = false;
    } else {
      next.s[shard] = mine.length > 0 ? mine[mine.length - 1]!.seq + 1 : from;
      done = false;
    }
  }
  return { items: taken, cursor: next, done };
}

function startCursor(tenant: TenantScope, key: string): Cursor {
  const s: Record<string, number | null> = {};
  for (const shard of shardsOf(tenant.routing)) s[shard] = 0;
  return { v: 1, f: key, s };
}

/** GET /v1/events?decision_id=&decision_type=&tier=&since=&until=&cursor=&limit= */
export async function listEvents(c: Context<AppEnv>): Promise<Response> {
  const tenant = tenantFor(c.var.principal, "read");
  const filter = parseFilter(c);
  const key = filterKey(filter);
  const rawCursor = c.req.query("cursor");
  let cursor = rawCursor ? decodeCursor(rawCursor, key) : startCursor(tenant, key);
  // Shards added by a reshard after the cursor was issued start from their beginning.
  for (const shard of shardsOf(tenant.routing)) if (!(shard in cursor.s)) cursor.s[shard] = 0;

  if ((c.req.header("accept") ?? "").includes("application/x-ndjson"))
    return exportNdjson(c, tenant, filter, cursor);

  const rawLimit = c.req.query("limit");
  const limit = rawLimit === undefined ? QUERY_DEFAULT_LIMIT : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > QUERY_MAX_LIMIT) {
    throw new ApiError(400, "invalid_parameter", `'limit' must be an integer from 1 to ${QUERY_MAX_LIMIT}`);
  }
  // A page may come back short while more remains (each shard scans a bounded range per call);
  // keep following next_cursor until it is null.
  const result = await page(c, tenant, filter, cursor, limit, false, false);
  cursor = result.cursor;
  return c.json({
    items: result.items.map((i) => ({ envelope: JSON.parse(i.envelope) as unknown })),
    next_cursor: result.done ? null : encodeCursor(cursor),
  });
}

/**
 * NDJSON export: every matching event with its retained body, streamed page by page. The first
 * page is read before answering, so a failure there (e.g. 503 `archive_unavailable`) is an
 * error answer; a later page's failure aborts the stream (the answer ends without completing),
 * so a reader never mistakes a cut-short export for a whole one.
 */
async function exportNdjson(
  c: Context<AppEnv>,
  tenant: TenantScope,
  filter: EventFilter,
  start: Cursor,
): Promise<Response> {
  const encoder = new TextEncoder();
  const linesOf = (items: PageItem[]) =>
    items.map((i) => `{"envelope":${i.envelope},"event":${i.body ?? "null"}}\n`).join("");
  const first = await page(c, tenant, filter, start, QUERY_MAX_LIMIT, true, true);
  let ready: string | null = linesOf(first.items);
  let cursor = first.cursor;
  let done = first.done;
  const stream = new ReadableStream<Uint8Array>({
    // Each pull enqueues a page or closes: a pull that enqueued nothing would not be called again.
    async pull(controller) {
      for (;;) {
        if (ready !== null && ready.length > 0) {
          controller.enqueue(encoder.encode(ready));
          ready = null;
          return;
        }
        if (done) {
          controller.close();
          return;
        }
        const result = await page(c, tenant, filter, cursor, QUERY_MAX_LIMIT, true, true);
        cursor = result.cursor;
        done = result.done;
        ready = linesOf(result.items);
      }
    },
  });
  return new Response(stream, { headers: { "content-type": "application/x-ndjson" } });
}

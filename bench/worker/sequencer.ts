/**
 * The sequencer figure's side of the bench Worker: edgelog's own LogShard (the class the
 * deployment exports) fed prepared events by RPC exactly as the ingest route's Worker sends
 * them, beside a Durable Object that writes each request as one row; and the Worker's CPU per
 * event for the work it does before that RPC.
 *
 * Prepared events are captured once per isolate by running the ingest route's own parse and
 * prepare code over generated DES events (the default policy), then replayed: each replayed
 * request takes the next captured request and gives every event a new id and decision id
 * (string edits, no hashing), so the shard stores new events rather than answering duplicates.
 * The bodies, envelopes' inputs and sizes are the captured ones. No parsing or validation runs
 * while the replay is measured, so the thread the shard runs on does only the RPC and the
 * shard's own work.
 */
import { DurableObject } from "cloudflare:workers";
import { LogShard } from "../../src/shard/log-shard";
import { DEFAULT_COMPILED_POLICY } from "../../src/core/policy";
import { DEFAULTS } from "../../src/worker/config";
import { logRef, shardSettings } from "../../src/worker/routing";
import { parseEvents } from "../../src/worker/body/parse-events";
import { prepareItem, type PrepareContext } from "../../src/worker/ingest/prepare";
import { utf8 } from "../../src/core/bytes";
import type { AppendResult, Overloaded, PreparedEvent } from "../../src/shard/types";
import { createEventGenerator } from "../src/events";

export { TenantRegistry } from "../../src/registry/registry";

export interface SequencerEnv {
  LOG_SHARD: DurableObjectNamespace<LogShard>;
  METERED_SHARD: DurableObjectNamespace<MeteredLogShard>;
  ROW_SINK: DurableObjectNamespace<RowSink>;
  ARCHIVE: R2Bucket;
}

/** The tenant the replayed events belong to (no jurisdiction); its log is `<LOG_ORIGIN>/<tenant>/0`. */
const TENANT = "bench-seq";
const LOG = logRef(DEFAULTS, { id: TENANT, jurisdiction: null }, 0);
/** The deployment's default batching (wrangler.toml's values are the defaults). */
const SETTINGS = shardSettings(DEFAULTS);

/** The ingest route's preparation context for a tenant with the default policy. */
function prepareContext(): PrepareContext {
  return {
    maxEventBytes: DEFAULTS.maxEventBytes,
    policy: DEFAULT_COMPILED_POLICY,
    maskSalt: new Uint8Array(32),
    producer: "key:bench",
    maxFutureSkewMs: DEFAULTS.maxFutureSkewMs,
    now: Date.now(),
  };
}

/** What the ingest route does to a request body before the RPC: parse, then prepare each item. */
async function prepareBody(bytes: Uint8Array, ctx: PrepareContext): Promise<PreparedEvent[]> {
  const items = parseEvents(bytes, "json", DEFAULTS);
  const prepared = await Promise.all(items.map((item) => prepareItem(item, ctx)));
  return prepared.map((p) => {
    if (!p.ok) throw new Error(`generated event refused: ${JSON.stringify(p.errors).slice(0, 300)}`);
    return p.event;
  });
}

/** Request bodies of `perRequest` generated events (~1.5 KB each), as the load generator sends them. */
function makeBodies(seed: number, requests: number, perRequest: number, tag: string): Uint8Array[] {
  const generator = createEventGenerator({ seed, idPrefix: tag });
  return Array.from({ length: requests }, () =>
    utf8(JSON.stringify(Array.from({ length: perRequest }, () => generator.next()))),
  );
}

interface Pool {
  requests: PreparedEvent[][];
  /** Mean UTF-8 bytes of an event's request JSON and of its retained canonical body. */
  meanEventBytes: number;
  meanRetainedBytes: number;
}

let pool: Pool | null = null;
let replayed = 0;

/** Captures `requests` prepared requests of `perRequest` events once per isolate. */
export async function capturePool(requests: number, perRequest: number): Promise<Omit<Pool, "requests">> {
  if (!pool || pool.requests.length !== requests || pool.requests[0]!.length !== perRequest) {
    const bodies = makeBodies(3, requests, perRequest, `seq${Date.now().toString(36)}`);
    const ctx = prepareContext();
    const prepared: PreparedEvent[][] = [];
    for (const body of bodies) prepared.push(await prepareBody(body, ctx));
    const events = prepared.flat();
    pool = {
      requests: prepared,
      meanEventBytes: bodies.reduce((s, b) => s + b.length, 0) / events.length,
      meanRetainedBytes: events.reduce((s, e) => s + utf8(e.body).length, 0) / events.length,
    };
  }
  return { meanEventBytes: pool.meanEventBytes, meanRetainedBytes: pool.meanRetainedBytes };
}

/** 2^48 − 1, and an odd multiplier: multiplying by it modulo 2^48 is a bijection that spreads a counter. */
const KEY_MASK = (1n << 48n) - 1n;
const SPREAD = 0x9e3779b97f4bn;

/**
 * The next captured request with every event made new, as real SHA-256 ids would be: the id's
 * first 12 hex digits (the 48 bits the id index keys on) are a per-isolate counter spread over
 * 2^48 by an odd multiplier, so keys are distinct and scattered like real ids; the next 16 are
 * the counter itself (ids stay 64 lowercase hex digits and unique); the decision id gets the
 * counter as a suffix, so neither index repeats.
 */
function nextRequest(): PreparedEvent[] {
  if (!pool) throw new Error("no captured events: call /sequencer/setup first");
  const source = pool.requests[replayed % pool.requests.length]!;
  return source.map((e) => {
    const count = replayed++;
    const key = ((BigInt(count) * SPREAD) & KEY_MASK).toString(16).padStart(12, "0");
    const n = count.toString(16).padStart(16, "0");
    return { ...e, id: key + n + e.id.slice(28), decisionId: `${e.decisionId}~${n}` };
  });
}

export type ReplayTarget = "shard" | "metered" | "rows";

/** Replays one request to `target`; answers the number of events it acknowledged. */
export async function replay(env: SequencerEnv, target: ReplayTarget): Promise<number> {
  const events = nextRequest();
  if (target === "rows") return env.ROW_SINK.getByName("rows").store(events);
  const stub = target === "shard" ? env.LOG_SHARD.getByName(TENANT) : env.METERED_SHARD.getByName(TENANT);
  const answer = (await stub.append(LOG, SETTINGS, events, { waitSealed: false })) as
    AppendResult[] | Overloaded;
  if ("overloaded" in answer) return 0;
  return answer.filter((r) => r.status === "accepted").length;
}

/**
 * Times the Worker's per-event work (parse, validate, canonicalize, hash, policy and masking:
 * everything `prepareBody` runs) over `iterations` passes of `requests` bodies. workerd's clock
 * moves in whole milliseconds, so a call should last hundreds of them.
 */
export async function timePrepare(
  requests: number,
  perRequest: number,
  iterations: number,
): Promise<{ ms: number; events: number }> {
  const bodies = makeBodies(4, requests, perRequest, "cpu");
  const ctx = prepareContext();
  let events = 0;
  const start = Date.now();
  for (let i = 0; i < iterations; i++) {
    for (const body of bodies) events += (await prepareBody(body, ctx)).length;
  }
  return { ms: Date.now() - start, events };
}

/** Storage use of the metered shard and of its archive, for the cost figure. */
export async function meterReport(
  env: SequencerEnv,
): Promise<MeterReport & { r2Objects: number; r2Bytes: number }> {
  const report = await env.METERED_SHARD.getByName(TENANT).meter();
  let r2Objects = 0;
  let r2Bytes = 0;
  let cursor: string | undefined;
  do {
    const page = await env.ARCHIVE.list({ prefix: `${TENANT}/`, cursor });
    for (const o of page.objects) {
      r2Objects++;
      r2Bytes += o.size;
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return { ...report, r2Objects, r2Bytes };
}

/** A Durable Object that writes each request as one row: the retained bodies, newline-joined. */
export class RowSink extends DurableObject {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS requests (n INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  }

  /** Stores one request as one row; the reply waits for the write to be durable. */
  store(events: PreparedEvent[]): number {
    this.ctx.storage.sql.exec("INSERT INTO requests (body) VALUES (?)", events.map((e) => e.body).join("\n"));
    return events.length;
  }
}

export interface MeterReport {
  /** Sum of the SQL cursors' rowsWritten / rowsRead (the billed counts) since the object started. */
  rowsWritten: number;
  rowsRead: number;
  /** rowsWritten by statement (its first words, see statementName). */
  byStatement: Record<string, number>;
  /** Calls of setAlarm, each billed as one row written. */
  setAlarms: number;
  /** Billed Durable Object requests: append RPCs and alarm invocations. */
  appends: number;
  alarms: number;
  /** The log's progress and the database's size. */
  events: number;
  pending: number;
  batches: number;
  /** Batches whose bodies left SQLite (ARCHIVE_KEEP_BATCHES), kept only in R2. */
  offloaded: number;
  databaseBytes: number;
  /** Length of the running stats totals row, which every seal reads and rewrites whole. */
  totalsBytes: number;
}

/** A statement's first words up to its column list, e.g. "INSERT INTO ids", for the rows breakdown. */
function statementName(query: string): string {
  const words = query.trim().replace(/\s+/g, " ").split(" ");
  const verb = words[0]?.toUpperCase();
  const n =
    verb === "INSERT" || verb === "REPLACE"
      ? words.findIndex((w) => /^into$/i.test(w)) + 2
      : verb === "DELETE"
        ? 3
        : 2;
  return words.slice(0, Math.max(2, n)).join(" ").replace(/\(.*$/, "");
}

/**
 * The LogShard with billing meters: every statement's cursor is kept until the synchronous code
 * that ran it has finished (a microtask later), then its rowsWritten and rowsRead are added up;
 * setAlarm calls, append calls and alarm invocations are counted. Only the bench binds this
 * class; the deployment's LogShard is unchanged.
 */
export class MeteredLogShard extends LogShard {
  private readonly calls = { appends: 0, alarms: 0 };
  private readonly storageCounts: Pick<MeterReport, "rowsWritten" | "rowsRead" | "setAlarms" | "byStatement">;
  /** The SQL exec without the meter, for the meter's own reads. */
  private readonly unmetered: SqlStorage["exec"];

  constructor(ctx: DurableObjectState, env: Env) {
    const counts = { rowsWritten: 0, rowsRead: 0, setAlarms: 0, byStatement: {} as Record<string, number> };
    const sql = ctx.storage.sql;
    const exec = sql.exec.bind(sql);
    let open: Array<[string, SqlStorageCursor<Record<string, SqlStorageValue>>]> = [];
    const settle = () => {
      for (const [query, c] of open) {
        counts.rowsWritten += c.rowsWritten;
        counts.rowsRead += c.rowsRead;
        if (c.rowsWritten > 0) counts.byStatement[query] = (counts.byStatement[query] ?? 0) + c.rowsWritten;
      }
      open = [];
    };
    (sql as { exec: typeof sql.exec }).exec = ((query: string, ...params: SqlStorageValue[]) => {
      const cursor = exec(query, ...params);
      if (open.length === 0) queueMicrotask(settle);
      open.push([statementName(query), cursor]);
      return cursor;
    }) as typeof sql.exec;
    const storage = ctx.storage;
    const setAlarm = storage.setAlarm.bind(storage);
    (storage as { setAlarm: typeof storage.setAlarm }).setAlarm = (...args) => {
      counts.setAlarms++;
      return setAlarm(...args);
    };
    super(ctx, env);
    this.storageCounts = counts;
    this.unmetered = exec;
  }

  override append(...args: Parameters<LogShard["append"]>): ReturnType<LogShard["append"]> {
    this.calls.appends++;
    return super.append(...args);
  }

  override alarm(): Promise<void> {
    this.calls.alarms++;
    return super.alarm();
  }

  meter(): MeterReport {
    const info = this.info();
    return {
      ...this.storageCounts,
      byStatement: { ...this.storageCounts.byStatement },
      ...this.calls,
      events: info?.events ?? 0,
      pending: info?.pending ?? 0,
      batches: info?.size ?? 0,
      offloaded: this.unmetered<{ n: number }>(
        "SELECT count(*) AS n FROM batches WHERE bodies = 'offloaded'",
      ).one().n,
      databaseBytes: this.ctx.storage.sql.databaseSize,
      totalsBytes: Number(
        this.ctx.storage.sql
          .exec<{ n: number }>("SELECT coalesce(sum(length(v)), 0) AS n FROM stats_totals")
          .one().n,
      ),
    };
  }
}

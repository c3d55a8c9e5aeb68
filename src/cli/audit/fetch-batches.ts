/**
 * Downloads batches with up to `concurrency` requests in flight while handing them out strictly
 * in order, so checking batch n overlaps the transfer of the next ones and memory holds at most
 * `concurrency` requests' worth. Batches are fetched a range at a time (`GET
 * /v1/logs/{log}/batches?from=M&to=N`, up to MAX_EXPORT_BATCHES per request: per-request cost,
 * not bytes, bounds a batch-per-request audit), or one per request from a server without range
 * exports. Each batch is the response's bytes, exactly as sent (after any `Content-Encoding:
 * gzip`, which is asked for and undone by fetch): the auditor hashes these bytes.
 */
import { promisify } from "node:util";
import { gunzip, gunzipSync } from "node:zlib";
import { AuditFailure } from "../../core/audit";
import { MAX_EXPORT_BATCHES } from "../../core/protocol";
import type { ApiClient } from "../http";

export interface FetchBatchesOptions {
  client: ApiClient;
  log: string;
  from: number;
  /** Exclusive. */
  to: number;
  concurrency: number;
  /** Batches per request; default: `rangeSpans` (growing ranges, then the log split evenly over `concurrency` requests). */
  batchesPerRequest?: number;
}

export function batchPath(log: string, n: number): string {
  return `/v1/logs/${encodeURIComponent(log)}/batches/${n}`;
}

export function rangePath(log: string, from: number, to: number): string {
  return `/v1/logs/${encodeURIComponent(log)}/batches?from=${from}&to=${to}`;
}

const HEADERS = { accept: "application/x-ndjson", "accept-encoding": "gzip" };

/** As Node's Buffer (no copy) where there is one: its indexOf (line splitting) is a native memchr. */
function asBytes(bytes: Uint8Array): Uint8Array {
  return typeof Buffer === "function" && !Buffer.isBuffer(bytes)
    ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    : bytes;
}

/** The bytes of batch `n` of `log`. */
export async function fetchBatch(client: ApiClient, log: string, n: number): Promise<Uint8Array> {
  return asBytes((await client.read(batchPath(log, n), { headers: HEADERS })).bytes);
}

/**
 * Batches `from` … `to` − 1 as one range export — asked for as `application/gzip`, the stored
 * gzip members as they are, which fetch leaves alone — or null when the server has no range
 * route (it answers 404 there: a server older than range exports).
 */
export async function fetchRange(
  client: ApiClient,
  log: string,
  from: number,
  to: number,
): Promise<ExportRange | null> {
  const res = await client.read(rangePath(log, from, to), {
    headers: { accept: "application/gzip, application/x-ndjson;q=0.5", "accept-encoding": "gzip" },
    accept: [404],
  });
  if (res.status === 404) return null;
  const gzip = /^application\/gzip\b/i.test(res.headers["content-type"] ?? "");
  return { from, count: to - from, bytes: asBytes(res.bytes), gzip };
}

/**
 * Splits a range export into its `count` batches: each starts with its header line, whose
 * `count` member says how many event lines follow. A header that cannot be read ends the split:
 * the rest goes out as one batch, whose check then fails and names it. A header that lies about
 * its count shifts lines between neighbours, which fails that batch's root or line checks.
 */
export function splitRange(bytes: Uint8Array, count: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (out.length < count && at < bytes.length) {
    let end = bytes.length;
    if (out.length < count - 1) {
      // Not the last batch (which takes everything left, so nothing sent is ever ignored).
      end = bytes.indexOf(0x0a, at);
      const events = end < 0 ? null : headerCount(bytes.subarray(at, end));
      if (events === null) break;
      for (let k = 0; k < events && end >= 0; k++) end = bytes.indexOf(0x0a, end + 1);
      if (end < 0) end = bytes.length;
      else end++;
    }
    out.push(bytes.subarray(at, end));
    at = end;
  }
  if (at < bytes.length) out.push(bytes.subarray(at));
  return out;
}

const headerDecoder = new TextDecoder();

/** The `count` of a batch header line, or null when the line is not one. */
function headerCount(line: Uint8Array): number | null {
  try {
    const h = JSON.parse(headerDecoder.decode(line)) as { count?: unknown };
    return typeof h.count === "number" && Number.isSafeInteger(h.count) && h.count >= 0 ? h.count : null;
  } catch {
    return null;
  }
}

/** Batches `from` … `from` + `count` − 1 as received: their exports back to back. */
export interface ExportRange {
  from: number;
  count: number;
  bytes: Uint8Array;
  /** The bytes are gzip members (to inflate before checking), not NDJSON. */
  gzip: boolean;
}

/**
 * How `fetchRanges` cuts batches `from` … `to` − 1 into requests: ranges of `per` batches (the
 * log split evenly over `concurrency` requests, at most MAX_EXPORT_BATCHES), except that the
 * first ones start at FIRST_RANGE batches and double. Requests in flight share the connection's
 * bandwidth, so equal ranges all finish near the end of the download and checking could only
 * start then; growing ones finish one after another from early on, and checking (the slower
 * part) overlaps the rest of the download. Each request costs the server a fixed amount, so
 * the ramp adds only a few.
 */
export function rangeSpans(from: number, to: number, concurrency: number): Array<[number, number]> {
  const per = Math.min(MAX_EXPORT_BATCHES, Math.max(1, Math.ceil((to - from) / Math.max(1, concurrency))));
  const spans: Array<[number, number]> = [];
  let size = Math.min(per, FIRST_RANGE);
  for (let a = from; a < to;) {
    const b = Math.min(to, a + size);
    spans.push([a, b]);
    a = b;
    size = Math.min(per, 2 * size);
  }
  return spans;
}
const FIRST_RANGE = 2;

/**
 * Batches `from` … `to` − 1 of the log, a range per request (per batch from a server without
 * range exports), with up to `concurrency` requests in flight, in order.
 */
export async function* fetchRanges(options: FetchBatchesOptions): AsyncGenerator<ExportRange> {
  const { client, log, from, to, concurrency } = options;
  const spans =
    options.batchesPerRequest === undefined
      ? rangeSpans(from, to, concurrency)
      : fixedSpans(from, to, options.batchesPerRequest);
  if (spans.length < to - from) {
    // The first range tells whether the server has range exports.
    const [a0, b0] = spans[0]!;
    const first = await fetchRange(client, log, a0, b0);
    if (first !== null) {
      yield* inOrder(concurrency, spans, async (a, b) => {
        const range = a === a0 ? first : await fetchRange(client, log, a, b);
        if (range === null) throw new Error(`range export of batches ${a}..${b - 1} disappeared (404)`);
        return range;
      });
      return;
    }
  }
  yield* inOrder(concurrency, fixedSpans(from, to, 1), async (a) => ({
    from: a,
    count: 1,
    bytes: await fetchBatch(client, log, a),
    gzip: false,
  }));
}

function fixedSpans(from: number, to: number, per: number): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (let a = from; a < to; a += per) spans.push([a, Math.min(to, a + per)]);
  return spans;
}

/** A range's NDJSON bytes, inflated off this thread (zlib's) where they came gzipped. @throws AuditFailure */
export async function inflated(range: ExportRange): Promise<Uint8Array> {
  if (!range.gzip) return range.bytes;
  try {
    return await gunzipAsync(range.bytes, { chunkSize: inflateChunk(range.bytes) });
  } catch (err) {
    throw notGzip(range, err);
  }
}

/** The same on this thread (a worker's). @throws AuditFailure */
export function inflatedSync(range: ExportRange): Uint8Array {
  if (!range.gzip) return range.bytes;
  try {
    return gunzipSync(range.bytes, { chunkSize: inflateChunk(range.bytes) });
  } catch (err) {
    throw notGzip(range, err);
  }
}

function notGzip(range: ExportRange, err: unknown): AuditFailure {
  return new AuditFailure(
    "batch export",
    `the export of batches ${range.from}..${range.from + range.count - 1} does not inflate`,
    "gzip members (RFC 1952)",
    err instanceof Error ? err.message : String(err),
    { batch: range.from },
  );
}

/**
 * zlib's output chunk for inflating `gzip`: large enough for the whole output of an export
 * (JSON lines inflate about 7× here), so zlib hands back one buffer instead of pieces to join
 * (a copy of every byte), and each chunk costs a round trip between zlib's thread and this one.
 */
function inflateChunk(gzip: Uint8Array): number {
  return Math.min(MAX_INFLATE_CHUNK, Math.max(MIN_INFLATE_CHUNK, 12 * gzip.length));
}
const MIN_INFLATE_CHUNK = 1 << 16;
const MAX_INFLATE_CHUNK = 1 << 26;
const gunzipAsync = promisify(gunzip);

/** Runs `get` over `spans` with up to `concurrency` in flight and yields the results in order. */
async function* inOrder<T>(
  concurrency: number,
  spans: ReadonlyArray<readonly [number, number]>,
  get: (from: number, to: number) => Promise<T>,
): AsyncGenerator<T> {
  const window: Promise<T>[] = [];
  let next = 0;
  const launch = () => {
    const [a, b] = spans[next++]!;
    const p = get(a, b);
    // Marked handled now: if the consumer stops early, prefetched failures must not surface as
    // unhandled rejections. The same promise is still awaited (and throws) in order below.
    p.catch(() => {});
    window.push(p);
  };
  while (next < spans.length && window.length < concurrency) launch();
  while (window.length > 0) {
    const item = await window.shift()!;
    if (next < spans.length) launch();
    yield item;
  }
}

/**
 * Downloads batches with up to `concurrency` requests in flight while handing them out strictly
 * in order, so checking batch n overlaps the transfer of n+1 … n+k and memory holds at most k
 * batches. Each batch is the response's bytes, exactly as sent (after any `Content-Encoding:
 * gzip`, which is asked for and undone by fetch): the auditor hashes these bytes.
 */
import type { ApiClient } from "../http";

export interface FetchBatchesOptions {
  client: ApiClient;
  log: string;
  from: number;
  /** Exclusive. */
  to: number;
  concurrency: number;
}

export function batchPath(log: string, n: number): string {
  return `/v1/logs/${encodeURIComponent(log)}/batches/${n}`;
}

const HEADERS = { accept: "application/x-ndjson", "accept-encoding": "gzip" };

/** The bytes of batch `n` of `log`. */
export async function fetchBatch(client: ApiClient, log: string, n: number): Promise<Uint8Array> {
  const res = await client.request("GET", batchPath(log, n), { headers: HEADERS });
  return new Uint8Array(await res.arrayBuffer());
}

export async function* fetchBatches(options: FetchBatchesOptions): AsyncGenerator<Uint8Array> {
  const { client, log, from, to } = options;
  const window: Promise<Uint8Array>[] = [];
  let next = from;
  const launch = () => {
    const p = fetchBatch(client, log, next++);
    // Marked handled now: if the consumer stops early, prefetched failures must not surface as
    // unhandled rejections. The same promise is still awaited (and throws) in order below.
    p.catch(() => {});
    window.push(p);
  };
  while (next < to && window.length < options.concurrency) launch();
  while (window.length > 0) {
    const bytes = await window.shift()!;
    if (next < to) launch();
    yield bytes;
  }
}

/**
 * Downloads batches with up to `concurrency` requests in flight while handing them out strictly
 * in order, so checking batch n overlaps the transfer of n+1 … n+k and memory holds at most k
 * batch texts.
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

export async function* fetchBatches(options: FetchBatchesOptions): AsyncGenerator<string> {
  const { client, log, from, to } = options;
  const window: Promise<string>[] = [];
  let next = from;
  const launch = () => {
    const p = client.getText(batchPath(log, next++));
    // Marked handled now: if the consumer stops early, prefetched failures must not surface as
    // unhandled rejections. The same promise is still awaited (and throws) in order below.
    p.catch(() => {});
    window.push(p);
  };
  while (next < to && window.length < options.concurrency) launch();
  while (window.length > 0) {
    const text = await window.shift()!;
    if (next < to) launch();
    yield text;
  }
}

/**
 * Uploads chunks of events with a few requests in flight. Retries (429/5xx, network) happen in
 * the HTTP client and are safe because ids are content-addressed; a request the server finds
 * too large (413) is split in half and resent, down to single events.
 */
import { gzipSync } from "node:zlib";
import { HttpError, type ApiClient } from "../http";
import { refusedBeforeSending, type SendItem } from "./items";
import type { IngestResponse, ItemError, ItemStatus } from "../../core/protocol";

export interface ItemOutcome {
  index: number;
  line: number | null;
  status: ItemStatus;
  id: string | null;
  seq: number | null;
  conflict: boolean;
  errors: ItemError[];
}

export interface UploadOptions {
  client: ApiClient;
  chunks: SendItem[][];
  concurrency: number;
  gzip: boolean;
  waitSealed: boolean;
  /** Largest request body as sent; a gzip body over it is split before sending. */
  maxBodyBytes: number;
  onItems: (outcomes: ItemOutcome[]) => void;
}

export interface UploadStats {
  requests: number;
  splits: number;
}

export async function upload(options: UploadOptions): Promise<UploadStats> {
  const queue = options.chunks.slice();
  const stats: UploadStats = { requests: 0, splits: 0 };
  const path = options.waitSealed ? "/v1/events?wait=sealed" : "/v1/events";

  const split = (chunk: SendItem[]) => {
    const half = Math.ceil(chunk.length / 2);
    queue.unshift(chunk.slice(0, half), chunk.slice(half));
    stats.splits++;
  };

  const sendOne = async (chunk: SendItem[]) => {
    const text = chunk.map((i) => i.text).join("\n") + "\n";
    const body = options.gzip ? new Uint8Array(gzipSync(text)) : text;
    if (options.gzip && body.length > options.maxBodyBytes && chunk.length > 1) return split(chunk);
    const headers: Record<string, string> = { "content-type": "application/x-ndjson" };
    if (options.gzip) headers["content-encoding"] = "gzip";
    stats.requests++;
    let response: Response;
    try {
      response = await options.client.request("POST", path, { body, headers, accept: [207, 422] });
    } catch (err) {
      if (err instanceof HttpError && err.status === 413) {
        if (chunk.length > 1) return split(chunk);
        return options.onItems([rejectedLocally(chunk[0]!, err.message)]);
      }
      throw err;
    }
    const answer = (await response.json()) as IngestResponse;
    options.onItems(
      answer.results.map((r) => {
        const item = chunk[r.index]!;
        return {
          index: item.index,
          line: item.line,
          status: r.status,
          id: r.id,
          seq: r.seq,
          conflict: r.conflict === true,
          errors: r.errors ?? [],
        };
      }),
    );
  };

  const worker = async () => {
    try {
      for (let chunk = queue.shift(); chunk; chunk = queue.shift()) await sendOne(chunk);
    } catch (err) {
      queue.length = 0; // the other workers stop after their current request
      throw err;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  return stats;
}

function rejectedLocally(item: SendItem, message: string): ItemOutcome {
  return refusedBeforeSending({ ...item, errors: [{ path: "", message }] });
}

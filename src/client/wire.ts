/**
 * Reading the ingest answer (`POST /v1/events`, README "HTTP API"). Its shapes are the HTTP
 * contract's (src/core/protocol/ingest.ts); this module checks an untrusted answer against them.
 */
import { isTier, type ItemResult } from "../core/protocol";

export type { IngestResponse, ItemError, ItemResult, ItemStatus } from "../core/protocol";

/** The server's error object (`{"error": {"code", "message"}}`), when a body has that shape. */
export function errorOf(body: unknown): { code: string | undefined; message: string } | undefined {
  if (body === null || typeof body !== "object") return undefined;
  const error = (body as { error?: unknown }).error;
  if (error === null || typeof error !== "object") return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return {
    code: typeof code === "string" ? code : undefined,
    message: typeof message === "string" ? message : "",
  };
}

/**
 * Checks that `body` answers a request of `count` events: one result per index, each with a
 * known status. Returns the results ordered by index, or a description of what is wrong.
 */
export function resultsOf(body: unknown, count: number): ItemResult[] | string {
  const results = (body as { results?: unknown } | null)?.results;
  if (!Array.isArray(results)) return "the answer has no results array";
  const ordered: ItemResult[] = new Array(count);
  for (const r of results as unknown[]) {
    const item = r as Partial<ItemResult> | null;
    const index = item?.index;
    if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index >= count) {
      return `a result has index ${String(index)} for a request of ${count} events`;
    }
    if (item!.status !== "accepted" && item!.status !== "duplicate" && item!.status !== "rejected") {
      return `result ${index} has unknown status ${String(item!.status)}`;
    }
    ordered[index] = {
      index,
      status: item!.status,
      id: typeof item!.id === "string" ? item!.id : null,
      log: typeof item!.log === "string" ? item!.log : null,
      seq: typeof item!.seq === "number" ? item!.seq : null,
      tier: isTier(item!.tier) ? item!.tier : null,
      errors: Array.isArray(item!.errors) ? item!.errors : [],
      ...(item!.conflict ? { conflict: true as const } : {}),
    };
  }
  for (let i = 0; i < count; i++) if (!ordered[i]) return `the answer has no result for event ${i}`;
  return ordered;
}

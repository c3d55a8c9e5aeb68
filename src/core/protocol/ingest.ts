/**
 * The answer of `POST /v1/events` (README, "HTTP API"): one result per event of the request,
 * in any order, with totals. The HTTP status follows from the totals (`ingestStatus`).
 */
import type { Tier } from "./tier";

/** An error about one event: `path` is an RFC 6901 JSON pointer into it ("" is the whole event). */
export interface ItemError {
  path: string;
  message: string;
}

export const ITEM_STATUSES = Object.freeze(["accepted", "duplicate", "rejected"] as const);
export type ItemStatus = (typeof ITEM_STATUSES)[number];

/** The server's answer for one event of a request. */
export interface ItemResult {
  /** Position of the event in the request (0-based). */
  index: number;
  status: ItemStatus;
  /** Lowercase hex SHA-256 of the RFC 8785 canonical event; null when rejected. */
  id: string | null;
  /** Origin of the log that holds the event; null when rejected. */
  log: string | null;
  /** Sequence number in that log; null when rejected. */
  seq: number | null;
  /** Effective tier; null when rejected. */
  tier: Tier | null;
  /** Why the event was rejected; empty otherwise. */
  errors: ItemError[];
  /** Another event with the same (decision_id, sequence_number) was stored before. */
  conflict?: true;
  /** With `?wait=sealed`: the batch that holds the event and its index in that batch. */
  batch?: number;
  leaf_index?: number;
}

/** Counts over the results of one request. */
export interface IngestTotals {
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Accepted or duplicate events flagged `conflict`. */
  conflicts: number;
}

export interface IngestResponse extends IngestTotals {
  results: ItemResult[];
}

/** The totals of `results`. */
export function tally(results: readonly Pick<ItemResult, "status" | "conflict">[]): IngestTotals {
  const totals: IngestTotals = { accepted: 0, duplicates: 0, rejected: 0, conflicts: 0 };
  for (const r of results) {
    if (r.status === "accepted") totals.accepted++;
    else if (r.status === "duplicate") totals.duplicates++;
    else totals.rejected++;
    if (r.conflict) totals.conflicts++;
  }
  return totals;
}

/**
 * The status of an ingest answer: 200 when nothing was rejected, 422 when nothing was accepted
 * (nor was a duplicate), 207 otherwise (some of each).
 */
export function ingestStatus(totals: IngestTotals): 200 | 207 | 422 {
  if (totals.rejected === 0) return 200;
  return totals.accepted + totals.duplicates === 0 ? 422 : 207;
}

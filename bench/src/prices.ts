/**
 * Cloudflare's published list prices (Workers Paid plan, USD) used by the cost figure, as read
 * on the date below. Marginal prices only: the plan's $5 monthly minimum and its included
 * allowances are left out, so the cost per million events is what an extra million costs.
 */
export const PRICES_READ_ON = "2026-11-30";

export const PRICE_SOURCES = [
  "https://developers.cloudflare.com/workers/platform/pricing/",
  "https://developers.cloudflare.com/durable-objects/platform/pricing/",
  "https://developers.cloudflare.com/r2/pricing/",
] as const;

export const PRICES = {
  /** Workers Standard: per million requests. */
  workerRequestPerMillion: 0.3,
  /** Workers Standard: per million CPU milliseconds. */
  workerCpuPerMillionMs: 0.02,
  /** Durable Objects: per million requests (each RPC call and each alarm invocation is one). */
  doRequestPerMillion: 0.15,
  /** Durable Objects: per million GB-s of duration (an active object is billed 128 MB). */
  doDurationPerMillionGbS: 12.5,
  /** SQLite-backed Durable Objects: per million rows written (each setAlarm is one). */
  sqliteRowsWrittenPerMillion: 1.0,
  /** SQLite-backed Durable Objects: per million rows read. */
  sqliteRowsReadPerMillion: 0.001,
  /** SQLite-backed Durable Objects: stored data, per GB-month. */
  sqliteStoredPerGbMonth: 0.2,
  /** R2 Standard storage, per GB-month. */
  r2StoredPerGbMonth: 0.015,
  /** R2 Class A operations (PutObject among them), per million. */
  r2ClassAPerMillion: 4.5,
} as const;

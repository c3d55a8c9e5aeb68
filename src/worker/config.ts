import { DEFAULT_INGEST_LIMITS, type IngestLimits } from "../core/protocol";

/**
 * Deployment settings, read from `[vars]` in wrangler.toml. Every limit has a default so a
 * missing or malformed variable never disables a guard. The ingest limits and their defaults
 * are the HTTP contract's (src/core/protocol/limits.ts).
 */
export interface Config extends IngestLimits {
  /** A batch is sealed once it holds this many events... */
  batchMax: number;
  /** ...or this many milliseconds after its first event arrived. */
  batchMs: number;
  /** Log origins are `<logOrigin>/<tenant>/<shard>`. */
  logOrigin: string;
  /** How long a Worker isolate may reuse a key lookup. */
  authCacheMs: number;
  /** Days a body is kept; 0 keeps bodies until erased by request. */
  retentionDays: number;
  /** Unsealed events a shard may hold before it answers 429. */
  maxPendingEvents: number;
  /** Bodies of archived batches older than the newest this-many leave SQLite; 0 keeps every body in SQLite. */
  archiveKeepBatches: number;
  /** Events whose event_timestamp is further ahead of the logger's clock are flagged. */
  maxFutureSkewMs: number;
}

export const DEFAULTS: Config = {
  ...DEFAULT_INGEST_LIMITS,
  batchMax: 256,
  batchMs: 250,
  logOrigin: "edgelog.localhost",
  authCacheMs: 10_000,
  retentionDays: 0,
  maxPendingEvents: 50_000,
  archiveKeepBatches: 0,
  maxFutureSkewMs: 300_000,
};

type Vars = Partial<Record<string, unknown>>;

function positiveInt(value: unknown, fallback: number): number {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
}

function nonNegativeInt(value: unknown, fallback: number): number {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n >= 0 ? n : fallback;
}

export function readConfig(env: Vars): Config {
  return {
    maxBodyBytes: positiveInt(env.MAX_BODY_BYTES, DEFAULTS.maxBodyBytes),
    maxDecompressedBytes: positiveInt(env.MAX_DECOMPRESSED_BYTES, DEFAULTS.maxDecompressedBytes),
    maxEventsPerRequest: positiveInt(env.MAX_EVENTS_PER_REQUEST, DEFAULTS.maxEventsPerRequest),
    maxEventBytes: positiveInt(env.MAX_EVENT_BYTES, DEFAULTS.maxEventBytes),
    batchMax: positiveInt(env.BATCH_MAX, DEFAULTS.batchMax),
    batchMs: positiveInt(env.BATCH_MS, DEFAULTS.batchMs),
    logOrigin:
      typeof env.LOG_ORIGIN === "string" && env.LOG_ORIGIN.length > 0 ? env.LOG_ORIGIN : DEFAULTS.logOrigin,
    authCacheMs: positiveInt(env.AUTH_CACHE_MS, DEFAULTS.authCacheMs),
    retentionDays: nonNegativeInt(env.RETENTION_DAYS, DEFAULTS.retentionDays),
    maxPendingEvents: positiveInt(env.MAX_PENDING_EVENTS, DEFAULTS.maxPendingEvents),
    archiveKeepBatches: nonNegativeInt(env.ARCHIVE_KEEP_BATCHES, DEFAULTS.archiveKeepBatches),
    maxFutureSkewMs: nonNegativeInt(env.MAX_FUTURE_SKEW_MS, DEFAULTS.maxFutureSkewMs),
  };
}

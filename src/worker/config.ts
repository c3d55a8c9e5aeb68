import { DEFAULT_INGEST_LIMITS, type IngestLimits } from "../core/protocol";
import { DEFAULT_ARCHIVE_KEEP_BATCHES } from "../shard/types";

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
  /**
   * Bodies of archived batches older than the newest this-many leave SQLite (they stay in R2);
   * 0 keeps every body in SQLite. Without an archive bucket nothing is archived, so nothing leaves.
   */
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
  archiveKeepBatches: DEFAULT_ARCHIVE_KEEP_BATCHES,
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

/** The `[vars]` name of each setting (wrangler.toml; README, "Limits"). */
export const CONFIG_VARS = {
  maxBodyBytes: "MAX_BODY_BYTES",
  maxDecompressedBytes: "MAX_DECOMPRESSED_BYTES",
  maxEventsPerRequest: "MAX_EVENTS_PER_REQUEST",
  maxEventBytes: "MAX_EVENT_BYTES",
  batchMax: "BATCH_MAX",
  batchMs: "BATCH_MS",
  logOrigin: "LOG_ORIGIN",
  authCacheMs: "AUTH_CACHE_MS",
  retentionDays: "RETENTION_DAYS",
  maxPendingEvents: "MAX_PENDING_EVENTS",
  archiveKeepBatches: "ARCHIVE_KEEP_BATCHES",
  maxFutureSkewMs: "MAX_FUTURE_SKEW_MS",
} as const satisfies Record<keyof Config, string>;

export function readConfig(env: Vars): Config {
  const v = CONFIG_VARS;
  const origin = env[v.logOrigin];
  return {
    maxBodyBytes: positiveInt(env[v.maxBodyBytes], DEFAULTS.maxBodyBytes),
    maxDecompressedBytes: positiveInt(env[v.maxDecompressedBytes], DEFAULTS.maxDecompressedBytes),
    maxEventsPerRequest: positiveInt(env[v.maxEventsPerRequest], DEFAULTS.maxEventsPerRequest),
    maxEventBytes: positiveInt(env[v.maxEventBytes], DEFAULTS.maxEventBytes),
    batchMax: positiveInt(env[v.batchMax], DEFAULTS.batchMax),
    batchMs: positiveInt(env[v.batchMs], DEFAULTS.batchMs),
    logOrigin: typeof origin === "string" && origin.length > 0 ? origin : DEFAULTS.logOrigin,
    authCacheMs: positiveInt(env[v.authCacheMs], DEFAULTS.authCacheMs),
    retentionDays: nonNegativeInt(env[v.retentionDays], DEFAULTS.retentionDays),
    maxPendingEvents: positiveInt(env[v.maxPendingEvents], DEFAULTS.maxPendingEvents),
    archiveKeepBatches: nonNegativeInt(env[v.archiveKeepBatches], DEFAULTS.archiveKeepBatches),
    maxFutureSkewMs: nonNegativeInt(env[v.maxFutureSkewMs], DEFAULTS.maxFutureSkewMs),
  };
}

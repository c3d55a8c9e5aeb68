/**
 * The HTTP contract's limits and their defaults. The Worker enforces them (a deployment may
 * change the ingest limits through `[vars]`, see src/worker/config.ts); the SDK, the CLI and the
 * OpenAPI document read the same numbers, so a limit is changed here and nowhere else.
 * README, "Limits", documents each one with the status code it is enforced with.
 */

/** Per-request ingest limits of `POST /v1/events`; deployments may override each. */
export interface IngestLimits {
  /** Largest request body as sent (after any Content-Encoding), in bytes (413 above). */
  maxBodyBytes: number;
  /** Largest request body after gzip decompression, in bytes (413 above). */
  maxDecompressedBytes: number;
  /** Most events in one request (413 above). */
  maxEventsPerRequest: number;
  /** Largest single event, in bytes of its JSON text (the item is rejected above). */
  maxEventBytes: number;
}

export const DEFAULT_INGEST_LIMITS: Readonly<IngestLimits> = Object.freeze({
  maxBodyBytes: 1024 * 1024,
  maxDecompressedBytes: 8 * 1024 * 1024,
  maxEventsPerRequest: 1000,
  maxEventBytes: 64 * 1024,
});

/**
 * `GET /v1/logs/{log}/batches?from=M&to=N`: most batches one range export may span (400 above).
 * Per-request overhead, not bytes, is what a range saves; 64 batches of 256 events answer an
 * audit of 1.6 M events in 100 requests.
 */
export const MAX_EXPORT_BATCHES = 64;

/** Most shards (logs) a tenant may have: a Worker fans reads out to all of them (422 above). */
export const MAX_SHARDS = 64;

/** `X-Edgelog-Producer`: 1 to this many visible ASCII characters (400 otherwise). */
export const MAX_PRODUCER_CHARS = 128;

/** The `reason` of `DELETE /v1/events/{id}/body`: at most this many characters (422 above). */
export const MAX_ERASURE_REASON_CHARS = 500;

/** Bodies of `/v1/admin/...` requests, in bytes (413 above). */
export const MAX_ADMIN_BODY_BYTES = 64 * 1024;

/** A tenant's policy document as JSON text, in bytes (413 above; README, "Tiered evidence"). */
export const MAX_POLICY_BYTES = 64 * 1024;

/** A tenant's display name: 1 to this many characters (422 otherwise). */
export const MAX_TENANT_NAME_CHARS = 200;

/** `GET /v1/events?limit=`: the page size when none is given, and the largest allowed (400 above). */
export const QUERY_DEFAULT_LIMIT = 100;
export const QUERY_MAX_LIMIT = 1000;

/** `decision_id` and `decision_type` query filters: 1 to this many characters (400 otherwise). */
export const MAX_FILTER_CHARS = 256;

import { ApiError } from "./api-error";
import { archiveUnavailableOf } from "../shard/archived-bundles";

/**
 * Maps a failed Durable Object call to an answer. An overloaded object (the runtime's own
 * signal: `overloaded` on the error) becomes 503 with Retry-After, and is not retried here:
 * retrying inside the Worker would add load exactly where there is too much. Anything else is
 * a 503 too, since the client can retry safely (ids are content-addressed).
 */
export function shardFailure(err: unknown, origin: string): ApiError {
  const e = err as { overloaded?: unknown; retryable?: unknown; message?: unknown } | null;
  if (e && e.overloaded === true) {
    return new ApiError(
      503,
      "shard_overloaded",
      `log ${origin} is overloaded; retry after the Retry-After delay`,
      [],
      {
        "retry-after": "1",
      },
    );
  }
  return new ApiError(
    503,
    "shard_unavailable",
    `log ${origin} could not be reached (${typeof e?.message === "string" ? e.message : "unknown error"}); retrying the request is safe`,
    [],
    { "retry-after": "1" },
  );
}

/** Seconds a client is asked to wait before retrying a read that needed R2. */
const ARCHIVE_RETRY_AFTER_S = "5";

/**
 * The answer to a failed shard read whose bodies are kept only in R2, which could not give them
 * (the shard's ArchiveUnavailableError, recognised from its message after RPC): 503
 * `archive_unavailable` naming the batch, with Retry-After. Null for any other error.
 */
export function archiveFailure(err: unknown): ApiError | null {
  const found = archiveUnavailableOf(err);
  if (!found) return null;
  return new ApiError(
    503,
    "archive_unavailable",
    found.message,
    [{ message: `batch ${found.batch}: its bodies are kept only in R2` }],
    { "retry-after": ARCHIVE_RETRY_AFTER_S },
  );
}

import { ApiError } from "./api-error";

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

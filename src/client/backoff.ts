/** Retry timing: exponential backoff with full jitter, and the server's `Retry-After`. */

export interface RetryPolicy {
  /** Attempts per request, the first included. */
  maxAttempts: number;
  /** Cap of the first retry's delay; it doubles with every further retry... */
  baseDelayMs: number;
  /** ...up to this cap, which also bounds a `Retry-After` wait. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 100, maxDelayMs: 30_000 };

/**
 * Delay before retry number `retry` (1 for the first retry): uniformly random in
 * [0, min(maxDelayMs, baseDelayMs · 2^(retry−1))] ("full jitter"), so that clients rejected
 * together do not come back together.
 *
 * Precondition: `retry` ≥ 1; `random` returns values in [0, 1).
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(retry - 1, 52));
  return Math.floor(random() * ceiling);
}

/**
 * Milliseconds a `Retry-After` header asks to wait (RFC 9110 §10.2.3: delay-seconds or an
 * HTTP-date), or undefined when the header is absent or malformed. A date in the past means 0.
 */
export function retryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

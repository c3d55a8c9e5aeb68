/**
 * When to retry a request, shared by the SDK (src/client) and the CLI (src/cli/http.ts): the
 * policy type, its defaults, the `Retry-After` parser and the one jitter rule. Pure code with no
 * imports, so the client package carries it without pulling in anything else.
 *
 * The rule: retry number n (1 for the first retry) waits a uniformly random time in
 * [0, min(maxDelayMs, baseDelayMs · 2^(n−1))) — exponential backoff with "full jitter", so that
 * clients refused together do not come back together. When the server sent `Retry-After`, the
 * wait is that delay (cut to maxRetryAfterMs) plus the first retry's jitter, [0, baseDelayMs):
 * never earlier than the server asked, and still spread out.
 */

export interface RetryPolicy {
  /** Attempts per request, the first included (1: never retry). */
  maxAttempts: number;
  /** Cap of the first retry's delay; it doubles with every further retry... */
  baseDelayMs: number;
  /** ...up to this cap. */
  maxDelayMs: number;
  /** A longer `Retry-After` is cut to this, so a misconfigured server cannot stall a caller for hours. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 8,
  baseDelayMs: 100,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
});

/**
 * Whether an answer with this HTTP status is worth retrying: the request timed out (408), the
 * server is busy (429), or it or a gateway failed (5xx, Cloudflare's 52x included) — except 501
 * and 505, which say the request itself will never be served (RFC 9110 §15.6.2, §15.6.6).
 */
export function isRetryableStatus(status: number): boolean {
  if (status === 408 || status === 429) return true;
  return status >= 500 && status <= 599 && status !== 501 && status !== 505;
}

/**
 * Backoff before retry number `retry` without a `Retry-After`: uniformly random in
 * [0, min(maxDelayMs, baseDelayMs · 2^(retry−1))), in whole milliseconds.
 *
 * Precondition: `retry` ≥ 1; `random` returns values in [0, 1).
 */
export function backoffDelay(
  retry: number,
  policy: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs">,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(retry - 1, 52));
  return Math.floor(random() * ceiling);
}

/**
 * The wait before retry number `retry`: `backoffDelay` when the server named no delay, else
 * `retryAfter` (cut to maxRetryAfterMs) plus a jitter in [0, baseDelayMs).
 *
 * Precondition: `retry` ≥ 1; `retryAfter` ≥ 0 when given (see `retryAfterMs`); `random`
 * returns values in [0, 1).
 */
export function retryDelay(
  retry: number,
  policy: RetryPolicy,
  retryAfter: number | undefined,
  random: () => number = Math.random,
): number {
  if (retryAfter === undefined) return backoffDelay(retry, policy, random);
  return Math.min(retryAfter, policy.maxRetryAfterMs) + backoffDelay(1, policy, random);
}

/**
 * Milliseconds a `Retry-After` header asks to wait (RFC 9110 §10.2.3: `delay-seconds`, one or
 * more digits, or an `HTTP-date`), or undefined when the header is absent or malformed. A date
 * in the past means 0. Every HTTP-date form (IMF-fixdate and the two obsolete ones, RFC 9110
 * §5.6.7) starts with the day name: requiring it keeps `Date.parse` from reading "-3" or "1.5"
 * as a year.
 */
export function retryAfterMs(
  header: string | null | undefined,
  nowMs: number = Date.now(),
): number | undefined {
  if (header === null || header === undefined) return undefined;
  const value = header.trim();
  if (/^[0-9]+$/.test(value)) return Number(value) * 1000;
  if (!/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)/.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

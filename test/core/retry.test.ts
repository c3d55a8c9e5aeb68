import { describe, expect, it } from "vitest";
import {
  backoffDelay,
  DEFAULT_RETRY,
  isRetryableStatus,
  retryAfterMs,
  retryDelay,
  type RetryPolicy,
} from "../../src/core/retry";

const policy: RetryPolicy = { maxAttempts: 8, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 5_000 };

describe("Retry-After (RFC 9110 §10.2.3)", () => {
  it("reads delay-seconds and HTTP-dates; a past date is 0; anything else is no delay", () => {
    const now = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");
    expect(retryAfterMs("3", now)).toBe(3000);
    expect(retryAfterMs(" 0 ", now)).toBe(0);
    expect(retryAfterMs("Wed, 21 Oct 2015 07:28:10 GMT", now)).toBe(10_000);
    expect(retryAfterMs("Wed, 21 Oct 2015 07:27:00 GMT", now)).toBe(0);
    expect(retryAfterMs("soon", now)).toBeUndefined();
    expect(retryAfterMs("-3", now)).toBeUndefined();
    expect(retryAfterMs("1.5", now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });
});

describe("the retry rule shared by the SDK and the CLI", () => {
  it("backs off exponentially with full jitter, capped at maxDelayMs", () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, () => 0.999999))).toEqual([
      99, 199, 399, 799, 999,
    ]);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
    expect(backoffDelay(80, policy, () => 0.5)).toBe(500);
  });

  it("waits at least Retry-After (cut to maxRetryAfterMs) plus a jitter below the base delay", () => {
    expect(retryDelay(4, policy, 2_000, () => 0)).toBe(2_000);
    expect(retryDelay(4, policy, 2_000, () => 0.999999)).toBe(2_099);
    expect(retryDelay(1, policy, 3_600_000, () => 0)).toBe(5_000);
    expect(retryDelay(3, policy, undefined, () => 0.999999)).toBe(399);
  });

  it("retries timeouts, overload and transient server failures, not requests that can never succeed", () => {
    expect([408, 429, 500, 502, 503, 504, 520, 599].filter(isRetryableStatus)).toEqual([
      408, 429, 500, 502, 503, 504, 520, 599,
    ]);
    expect([200, 207, 400, 401, 403, 404, 413, 415, 422, 501, 505, 600].filter(isRetryableStatus)).toEqual(
      [],
    );
  });

  it("has one default policy whose fields are all positive", () => {
    for (const value of Object.values(DEFAULT_RETRY)) expect(value).toBeGreaterThan(0);
    expect(Object.isFrozen(DEFAULT_RETRY)).toBe(true);
  });
});

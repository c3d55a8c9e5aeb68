/**
 * Consistent probability sampling in the style of OpenTelemetry's threshold sampling
 * (OpenTelemetry specification, "TraceState: Probability Sampling": 56-bit randomness `rv`,
 * rejection threshold `th`). Whether a decision is in the sample depends only on its
 * `decision_id` and the rate, so every edge, every retry and every event of one decision get
 * the same answer, and a decision in the sample at some rate is in it at every higher rate.
 *
 * Here the randomness is derived from the decision id with SHA-256 rather than carried in a
 * trace context. Sync (SHA-256 from @noble/hashes) for the Worker, the Durable Object, the
 * CLI and browsers alike.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { utf8 } from "./bytes";

/** Bits of randomness, as in OpenTelemetry's `rv`. */
export const RANDOMNESS_BITS = 56;

/** 2^56: the number of randomness values, and the threshold that rejects them all. */
export const RANDOMNESS_RANGE = 1n << 56n;

/** The smallest rate 56-bit thresholds express (one randomness value in 2^56). */
export const MIN_SAMPLING_RATE = 2 ** -56;

/** A sampling rate outside [2^-56, 1]. */
export class SamplingRateError extends RangeError {
  readonly expected: string;
  readonly found: string;
  constructor(found: number) {
    super(`invalid sampling rate: expected a number from 2^-56 to 1, found ${String(found)}`);
    this.name = "SamplingRateError";
    this.expected = "a number from 2^-56 to 1";
    this.found = String(found);
  }
}

function checkRate(rate: number): void {
  if (!(rate >= MIN_SAMPLING_RATE && rate <= 1)) throw new SamplingRateError(rate);
}

/**
 * R: the first 56 bits (7 bytes, big-endian) of SHA-256 over the UTF-8 bytes of `decisionId`,
 * a value in [0, 2^56). A bigint, because 2^56 exceeds Number's 2^53 exact integers.
 */
export function randomness56(decisionId: string): bigint {
  return randomness56FromDigest(sha256(utf8(decisionId)));
}

/**
 * R from an already computed SHA-256 of the decision id (e.g. by the runtime's native digest,
 * which is much faster than a JavaScript SHA-256 on the ingest path).
 *
 * Precondition: `d` is the 32-byte SHA-256 of the UTF-8 decision id.
 */
export function randomness56FromDigest(d: Uint8Array): bigint {
  // 24 + 32 bits, each exact in a Number; multiplication rather than `<<`, which is 32-bit signed.
  const high = d[0]! * 0x10000 + d[1]! * 0x100 + d[2]!;
  const low = d[3]! * 0x1000000 + d[4]! * 0x10000 + d[5]! * 0x100 + d[6]!;
  return (BigInt(high) << 32n) | BigInt(low);
}

/**
 * T = round((1 − rate) · 2^56), the rejection threshold: R ≥ T is in the sample, so a fraction
 * (2^56 − T) / 2^56 ≈ rate of all randomness values is. Computed as 2^56 − round(rate · 2^56):
 * scaling a double by 2^56 is exact, so only the one rounding the formula asks for happens
 * (forming 1 − rate in floating point first would round twice).
 *
 * Precondition: 2^-56 ≤ rate ≤ 1 (checked).
 * @throws SamplingRateError otherwise.
 */
export function rejectionThreshold(rate: number): bigint {
  checkRate(rate);
  return RANDOMNESS_RANGE - BigInt(Math.round(rate * 2 ** 56));
}

/**
 * OpenTelemetry's `th` encoding of a threshold: 14 lowercase hex digits with trailing zeros
 * removed, "0" for the zero threshold (rate 1, everything sampled).
 *
 * Precondition: 0 ≤ threshold < 2^56.
 */
export function encodeThreshold(threshold: bigint): string {
  if (threshold < 0n || threshold >= RANDOMNESS_RANGE) {
    throw new RangeError(`threshold out of range: expected 0 to 2^56 - 1, found ${threshold}`);
  }
  const digits = threshold.toString(16).padStart(14, "0").replace(/0+$/, "");
  return digits === "" ? "0" : digits;
}

/** What an envelope records about how its event was sampled. */
export interface Sampling {
  /** The configured probability of being in the sample. */
  readonly rate: number;
  /** The rejection threshold in OpenTelemetry `th` encoding. */
  readonly threshold: string;
  /** How many events each event in the sample stands for: 1/rate (Horvitz–Thompson weight). */
  readonly adjusted_count: number;
}

/**
 * The sampling record for `rate`.
 *
 * Precondition: 2^-56 ≤ rate ≤ 1 (checked).
 * @throws SamplingRateError otherwise.
 */
export function samplingFor(rate: number): Sampling {
  return { rate, threshold: encodeThreshold(rejectionThreshold(rate)), adjusted_count: 1 / rate };
}

/**
 * Whether the decision `decisionId` is in the sample at `rate`: R ≥ T. Deterministic, and
 * nested: in the sample at rate r implies in the sample at every rate r' > r (T only falls).
 *
 * Precondition: 0 < rate ≤ 1; more exactly 2^-56 ≤ rate ≤ 1 (checked).
 * @throws SamplingRateError otherwise.
 */
export function inSample(decisionId: string, rate: number): boolean {
  const threshold = rejectionThreshold(rate);
  return threshold === 0n || randomness56(decisionId) >= threshold;
}

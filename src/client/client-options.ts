/** Options of `createClient`, their defaults and their checks. */
import { DEFAULT_RETRY, type RetryPolicy } from "../core/retry";
import { DEFAULT_INGEST_LIMITS } from "../core/protocol";
import { canGzip } from "./encode";
import { EdgelogClientError } from "./errors";
import type { Producer, ProducerOptions } from "./des-builder";
import type { EventOutcome, LoggedEvent } from "./report";
import type { FetchLike } from "./transport";

/**
 * What `log()` does when `maxBufferEvents` events already wait: wait for room ("block", the
 * default: back-pressure on the caller), discard the oldest waiting event ("drop-oldest",
 * counted in `stats().dropped` and in flush reports), or reject with `BufferFullError`.
 */
export type OverflowMode = "block" | "drop-oldest" | "throw";

export interface ClientOptions {
  /** Base URL of the edgelog deployment; events go to `{url}/v1/events`. */
  url: string;
  /** An API key with the `ingest` scope. */
  key: string;
  /** Default: the global `fetch`. In a Worker with a service binding: `env.EDGELOG.fetch.bind(env.EDGELOG)`. */
  fetch?: FetchLike;
  /** Events per request (the server takes at most 1000). Default 500. */
  maxBatchEvents?: number;
  /** Uncompressed NDJSON bytes per request (the server takes 8 MiB decompressed). Default 512 KiB. */
  maxBatchBytes?: number;
  /** Largest event, in bytes of JSON (the server's default limit). Default 64 KiB. */
  maxEventBytes?: number;
  /** Longest an event waits before it is sent; 0 sends only on size or `flush()`. Default 1000. */
  flushIntervalMs?: number;
  /** Gzip request bodies of 1 KiB or more. Default: true where `CompressionStream` exists. */
  gzip?: boolean;
  /** Events waiting to be sent (the request in flight not counted). Default 10 000. */
  maxBufferEvents?: number;
  overflow?: OverflowMode;
  retry?: Partial<RetryPolicy>;
  /** A request without an answer after this long is abandoned and retried. Default 30 000. */
  requestTimeoutMs?: number;
  /** Called with the server's per-event answers of every request. */
  onResult?: (outcomes: readonly EventOutcome[]) => void;
  /** Called when events could not be delivered; they are also in the flush report's `failed`. */
  onError?: (error: Error, events: readonly LoggedEvent[]) => void;
  /** The producer used by `logDecision()`: an existing one, or options for a new one. */
  producer?: Producer | ProducerOptions;
}

export interface ResolvedOptions {
  endpoint: string;
  key: string;
  fetch: FetchLike;
  maxBatchEvents: number;
  maxBatchBytes: number;
  maxEventBytes: number;
  flushIntervalMs: number;
  gzip: boolean;
  maxBufferEvents: number;
  overflow: OverflowMode;
  retry: RetryPolicy;
  requestTimeoutMs: number;
}

/** An option outside its allowed range. */
export class InvalidOptionError extends EdgelogClientError {
  readonly option: string;
  constructor(option: string, expected: string, found: string) {
    super(`invalid client option '${option}'`, expected, found);
    this.option = option;
  }
}

export function resolveOptions(o: ClientOptions): ResolvedOptions {
  if (typeof o.url !== "string" || !/^https?:\/\//i.test(o.url)) {
    throw new InvalidOptionError("url", "an http(s) URL", String(o.url));
  }
  if (typeof o.key !== "string" || o.key.length === 0)
    throw new InvalidOptionError("key", "a non-empty API key", String(o.key));
  const fetchFn =
    o.fetch ??
    (typeof fetch === "function" ? (input: string, init: RequestInit) => fetch(input, init) : undefined);
  if (!fetchFn)
    throw new InvalidOptionError("fetch", "a fetch function (this runtime has no global fetch)", "none");
  const overflow = o.overflow ?? "block";
  if (overflow !== "block" && overflow !== "drop-oldest" && overflow !== "throw") {
    throw new InvalidOptionError("overflow", "block, drop-oldest or throw", String(overflow));
  }
  const retry = { ...DEFAULT_RETRY, ...(o.retry ?? {}) };
  return {
    endpoint: `${o.url.replace(/\/+$/, "")}/v1/events`,
    key: o.key,
    fetch: fetchFn,
    maxBatchEvents: count("maxBatchEvents", o.maxBatchEvents, 500, 1),
    maxBatchBytes: count("maxBatchBytes", o.maxBatchBytes, 512 * 1024, 1),
    maxEventBytes: count("maxEventBytes", o.maxEventBytes, DEFAULT_INGEST_LIMITS.maxEventBytes, 1),
    flushIntervalMs: count("flushIntervalMs", o.flushIntervalMs, 1000, 0),
    gzip: (o.gzip ?? true) && canGzip(),
    maxBufferEvents: count("maxBufferEvents", o.maxBufferEvents, 10_000, 1),
    overflow,
    retry: {
      maxAttempts: count("retry.maxAttempts", retry.maxAttempts, DEFAULT_RETRY.maxAttempts, 1),
      baseDelayMs: count("retry.baseDelayMs", retry.baseDelayMs, DEFAULT_RETRY.baseDelayMs, 0),
      maxDelayMs: count("retry.maxDelayMs", retry.maxDelayMs, DEFAULT_RETRY.maxDelayMs, 0),
      maxRetryAfterMs: count(
        "retry.maxRetryAfterMs",
        retry.maxRetryAfterMs,
        DEFAULT_RETRY.maxRetryAfterMs,
        0,
      ),
    },
    requestTimeoutMs: count("requestTimeoutMs", o.requestTimeoutMs, 30_000, 1),
  };
}

function count(option: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min)
    throw new InvalidOptionError(option, `an integer ≥ ${min}`, String(value));
  return value;
}

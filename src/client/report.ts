/** What the client tells its caller about delivered, refused and lost events. */
import type { ItemError, ItemResult } from "./wire";

/** An event as it was logged (parsed back from the JSON that was sent). */
export type LoggedEvent = Record<string, unknown>;

/** The server's answer for one event, with the event itself parsed only when asked for. */
export class EventOutcome {
  readonly result: ItemResult;
  readonly #line: string;
  constructor(result: ItemResult, line: string) {
    this.result = result;
    this.#line = line;
  }
  get event(): LoggedEvent {
    return JSON.parse(this.#line) as LoggedEvent;
  }
}

export interface RejectedEvent {
  event: LoggedEvent;
  errors: ItemError[];
}

export interface FailedEvent {
  event: LoggedEvent;
  error: Error;
}

/**
 * What became of the events a `flush()` waited for: those logged before the call and not yet
 * settled then.
 */
export interface FlushReport {
  /** Events the server answered for: accepted + duplicates + rejected. */
  sent: number;
  accepted: number;
  /** Already stored (a resend after a lost answer, or the same event logged twice). */
  duplicates: number;
  /** Refused by the server's validation or limits; resending them will not help. */
  rejected: RejectedEvent[];
  /** Not delivered: retries exhausted, or a status that is not retried (401, 403...). */
  failed: FailedEvent[];
  /** Discarded by `overflow: "drop-oldest"`. */
  dropped: number;
}

export function emptyReport(): FlushReport {
  return { sent: 0, accepted: 0, duplicates: 0, rejected: [], failed: [], dropped: 0 };
}

/** Counters since the client was created; `buffered` is the events held now. */
export interface ClientStats {
  /** Logged and not yet settled: waiting, in flight, or blocked in `log()`. */
  buffered: number;
  sent: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  failed: number;
  dropped: number;
  /** Attempts beyond the first, over all requests. */
  retries: number;
}

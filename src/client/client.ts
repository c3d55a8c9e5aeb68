/**
 * The edgelog client: buffers events, sends them in batches to `POST /v1/events`, retries what
 * may be retried, and reports per event what the server answered.
 *
 * Delivery is at least once and acknowledgement exactly once: a request whose answer was lost
 * is sent again, and the server, which names events by the SHA-256 of their RFC 8785 form,
 * answers the copies it already holds `duplicate`. Batches go out one at a time, in the order
 * events were logged, and a batch is retried before any later one is sent, so a producer's
 * events reach the server in their order.
 *
 * Who sends: the caller that creates the need — the `log()` that fills a batch, the `flush()`
 * that asks for its events, the interval timer — runs the sending loop itself, taking turns
 * through a lock. In a Worker this keeps each request's subrequests inside that request (and
 * inside its `waitUntil`), rather than inside an earlier request that may have ended.
 */
import { retryDelay } from "../core/retry";
import { ClientClosedError, BufferFullError, DeliveryError } from "./errors";
import { encodeBody, encodeEvent, type EncodedBody } from "./encode";
import { Fifo } from "./fifo";
import { createProducer, type DecisionInput, type Producer } from "./des-builder";
import type { DesEvent } from "./des-types";
import { resolveOptions, type ClientOptions, type ResolvedOptions } from "./client-options";
import { emptyReport, EventOutcome, type ClientStats, type FlushReport, type LoggedEvent } from "./report";
import { postOnce, type PostTarget } from "./transport";
import type { ItemResult } from "./wire";

export interface EdgelogClient {
  /**
   * Buffers `event` (serialized now, so later changes to the object are not sent). Resolves once
   * buffered, not once delivered: use `flush()` for that. With `overflow: "block"` it waits for
   * room; with "throw" it rejects with `BufferFullError`; after `close()` with `ClientClosedError`.
   */
  log(event: object): Promise<void>;
  /** Builds the next event of the client's producer (see `ClientOptions.producer`) and logs it. */
  logDecision(input: DecisionInput): Promise<DesEvent>;
  /** Sends every event logged before the call; resolves when each one is settled. Never rejects. */
  flush(): Promise<FlushReport>;
  /** Refuses further events, flushes, and stops the interval timer. */
  close(): Promise<FlushReport>;
  stats(): ClientStats;
  /** The producer of `logDecision()`, created on first use when none was given. */
  readonly producer: Producer;
}

interface Entry {
  /** Position in logging order; flushes wait for every ordinal below their target. */
  ordinal: number;
  line: string;
  bytes: number;
}

interface PendingFlush {
  from: number;
  target: number;
  report: FlushReport;
  resolve: (report: FlushReport) => void;
}

type Delivery =
  | { kind: "answered"; results: ItemResult[] }
  | { kind: "refused"; status: number; message: string }
  | { kind: "failed"; error: Error };

/** Creates a client. It sends nothing until events are logged. */
export function createClient(options: ClientOptions): EdgelogClient {
  return new BufferedClient(options);
}

class BufferedClient implements EdgelogClient {
  readonly #o: ResolvedOptions;
  readonly #target: PostTarget;
  readonly #callbacks: Pick<ClientOptions, "onResult" | "onError">;
  #producer: Producer | undefined;
  readonly #producerOptions: ClientOptions["producer"];
  #gzip: boolean;

  readonly #queue = new Fifo<Entry>();
  #queuedBytes = 0;
  readonly #waiters = new Fifo<{ entry: Entry; admitted: () => void }>();
  #inFlight: Entry[] = [];
  #inFlightSettled = 0;
  #nextOrdinal = 0;
  #flushes: PendingFlush[] = [];
  /** Resolves when the batch before the last taker of the send lock is settled. */
  #sendLock: Promise<void> = Promise.resolve();
  /** A `log()`-started sender is waiting or running: one is enough. */
  #sizeSenderActive = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  #closing: Promise<FlushReport> | undefined;
  readonly #stats: Omit<ClientStats, "buffered"> = {
    sent: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    failed: 0,
    dropped: 0,
    retries: 0,
  };

  constructor(options: ClientOptions) {
    this.#o = resolveOptions(options);
    this.#gzip = this.#o.gzip;
    this.#target = {
      fetch: this.#o.fetch,
      endpoint: this.#o.endpoint,
      key: this.#o.key,
      timeoutMs: this.#o.requestTimeoutMs,
    };
    this.#callbacks = { onResult: options.onResult, onError: options.onError };
    const p = options.producer;
    this.#producer = p && typeof (p as Producer).event === "function" ? (p as Producer) : undefined;
    this.#producerOptions = p;
  }

  get producer(): Producer {
    this.#producer ??= createProducer(
      (this.#producerOptions ?? {}) as Exclude<ClientOptions["producer"], Producer>,
    );
    return this.#producer;
  }

  log(event: object): Promise<void> {
    if (this.#closed) return Promise.reject(new ClientClosedError());
    let encoded: { line: string; bytes: number };
    try {
      encoded = encodeEvent(event, this.#o.maxEventBytes);
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.#waiters.length > 0 || this.#queue.length >= this.#o.maxBufferEvents) {
      if (this.#o.overflow === "throw") return Promise.reject(new BufferFullError(this.#o.maxBufferEvents));
      if (this.#o.overflow === "drop-oldest") {
        this.#dropOldest();
      } else {
        const entry = { ordinal: this.#nextOrdinal++, ...encoded };
        const admitted = new Promise<void>((resolve) => this.#waiters.push({ entry, admitted: resolve }));
        this.#sendIfFull();
        return admitted;
      }
    }
    this.#enqueue({ ordinal: this.#nextOrdinal++, ...encoded });
    this.#sendIfFull();
    this.#armTimer();
    return Promise.resolve();
  }

  async logDecision(input: DecisionInput): Promise<DesEvent> {
    const event = await this.producer.event(input);
    await this.log(event);
    return event;
  }

  flush(): Promise<FlushReport> {
    const target = this.#nextOrdinal;
    const from = this.#lowestUnsettled();
    if (from >= target) return Promise.resolve(emptyReport());
    const done = new Promise<FlushReport>((resolve) =>
      this.#flushes.push({ from, target, report: emptyReport(), resolve }),
    );
    void this.#send(() => this.#queue.peek()!.ordinal < target);
    return done;
  }

  close(): Promise<FlushReport> {
    if (!this.#closing) {
      this.#closed = true;
      this.#closing = this.flush().finally(() => this.#disarmTimer());
    }
    return this.#closing;
  }

  stats(): ClientStats {
    const inFlight = this.#inFlight.length - this.#inFlightSettled;
    return { buffered: this.#queue.length + inFlight + this.#waiters.length, ...this.#stats };
  }

  // --- buffer -------------------------------------------------------------------------------

  #enqueue(entry: Entry): void {
    this.#queue.push(entry);
    this.#queuedBytes += entry.bytes + 1;
  }

  #dropOldest(): void {
    const oldest = this.#queue.shift();
    if (!oldest) return;
    this.#queuedBytes -= oldest.bytes + 1;
    this.#stats.dropped++;
    this.#forFlushesOf(oldest, (r) => r.dropped++);
    this.#resolveFlushes();
  }

  /** Moves blocked `log()` calls into the queue, oldest first, while there is room. */
  #admitWaiters(): void {
    while (this.#waiters.length > 0 && this.#queue.length < this.#o.maxBufferEvents) {
      const w = this.#waiters.shift()!;
      this.#enqueue(w.entry);
      w.admitted();
    }
  }

  #lowestUnsettled(): number {
    if (this.#inFlightSettled < this.#inFlight.length) return this.#inFlight[this.#inFlightSettled]!.ordinal;
    return this.#queue.peek()?.ordinal ?? this.#waiters.peek()?.entry.ordinal ?? this.#nextOrdinal;
  }

  // --- sending ------------------------------------------------------------------------------

  /** A full batch waits, or `log()` callers wait for room, or the client is closing. */
  #isFull(): boolean {
    return (
      this.#closed ||
      this.#waiters.length > 0 ||
      this.#queue.length >= Math.min(this.#o.maxBatchEvents, this.#o.maxBufferEvents) ||
      this.#queuedBytes >= this.#o.maxBatchBytes
    );
  }

  #sendIfFull(): void {
    if (this.#sizeSenderActive || !this.#isFull()) return;
    this.#sizeSenderActive = true;
    void this.#send(() => this.#isFull()).finally(() => {
      this.#sizeSenderActive = false;
    });
  }

  /**
   * Sends batches, one at a time under the send lock, while events wait and `wanted()` holds
   * (checked again after every wait). Never rejects.
   */
  async #send(wanted: () => boolean): Promise<void> {
    while (this.#queue.length > 0 && wanted()) {
      const release = await this.#takeSendLock();
      try {
        if (this.#queue.length === 0 || !wanted()) return;
        this.#disarmTimer();
        const batch = this.#takeBatch();
        try {
          await this.#deliver(batch);
        } catch (err) {
          // Not expected (delivery turns every failure into an outcome), but a flush must never hang.
          const rest = batch.slice(this.#inFlightSettled);
          if (rest.length > 0) this.#settleFailed(rest, err instanceof Error ? err : new Error(String(err)));
        }
        this.#inFlight = [];
        this.#inFlightSettled = 0;
        this.#resolveFlushes();
      } finally {
        release();
        this.#armTimer();
      }
    }
  }

  /** Waits for the sender before; resolves to the function that lets the next one go. */
  #takeSendLock(): Promise<() => void> {
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const before = this.#sendLock;
    this.#sendLock = before.then(() => mine);
    return before.then(() => release);
  }

  #takeBatch(): Entry[] {
    const batch: Entry[] = [];
    let bytes = 0;
    for (
      let head = this.#queue.peek();
      head && batch.length < this.#o.maxBatchEvents;
      head = this.#queue.peek()
    ) {
      if (batch.length > 0 && bytes + head.bytes + 1 > this.#o.maxBatchBytes) break;
      this.#queue.shift();
      this.#queuedBytes -= head.bytes + 1;
      bytes += head.bytes + 1;
      batch.push(head);
    }
    this.#inFlight = batch;
    this.#inFlightSettled = 0;
    this.#admitWaiters();
    return batch;
  }

  /**
   * Sends `entries` and settles each. A request refused as a whole (400, 413) is split in halves,
   * sent in order, down to single events, so one bad or oversized event is isolated and reported
   * as rejected while the others get through; this costs at most 2n − 1 requests.
   */
  async #deliver(entries: Entry[]): Promise<void> {
    const outcome = await this.#request(entries);
    if (outcome.kind === "refused" && entries.length > 1) {
      const half = Math.ceil(entries.length / 2);
      await this.#deliver(entries.slice(0, half));
      await this.#deliver(entries.slice(half));
      return;
    }
    if (outcome.kind === "failed") {
      this.#settleFailed(entries, outcome.error);
      return;
    }
    const results =
      outcome.kind === "answered" ? outcome.results : [refusedResult(outcome.status, outcome.message)];
    this.#settleAnswered(entries, results);
  }

  /** One request with its retries. */
  async #request(entries: Entry[]): Promise<Delivery> {
    const lines = entries.map((e) => e.line);
    let body = await this.#encode(lines);
    const policy = this.#o.retry;
    for (let attempt = 1; ; attempt++) {
      const outcome = await postOnce(this.#target, body, entries.length);
      switch (outcome.kind) {
        case "answered":
        case "refused":
          return outcome;
        case "fatal":
          return { kind: "failed", error: outcome.error };
        case "encoding-refused":
          // This deployment does not take gzip: stop offering it (this attempt is not counted).
          this.#gzip = false;
          body = await this.#encode(lines);
          attempt--;
          continue;
        case "retry": {
          if (attempt >= policy.maxAttempts) {
            return {
              kind: "failed",
              error: new DeliveryError(attempt, outcome.failure, { cause: outcome.cause }),
            };
          }
          this.#stats.retries++;
          await sleep(retryDelay(attempt, policy, outcome.retryAfterMs));
        }
      }
    }
  }

  async #encode(lines: string[]): Promise<EncodedBody> {
    try {
      return await encodeBody(lines, this.#gzip);
    } catch {
      // A runtime whose CompressionStream fails still gets its events delivered, uncompressed.
      this.#gzip = false;
      return encodeBody(lines, false);
    }
  }

  // --- settling -----------------------------------------------------------------------------

  #settleAnswered(entries: Entry[], results: ItemResult[]): void {
    const outcomes: EventOutcome[] = [];
    entries.forEach((entry, i) => {
      const result = results[i]!;
      const outcome = new EventOutcome(result, entry.line);
      outcomes.push(outcome);
      this.#stats.sent++;
      if (result.status === "accepted") this.#stats.accepted++;
      else if (result.status === "duplicate") this.#stats.duplicates++;
      else this.#stats.rejected++;
      this.#forFlushesOf(entry, (r) => {
        r.sent++;
        if (result.status === "accepted") r.accepted++;
        else if (result.status === "duplicate") r.duplicates++;
        else r.rejected.push({ event: outcome.event, errors: result.errors });
      });
    });
    this.#inFlightSettled += entries.length;
    callSafely(() => this.#callbacks.onResult?.(outcomes));
  }

  #settleFailed(entries: Entry[], error: Error): void {
    const events = entries.map((e) => JSON.parse(e.line) as LoggedEvent);
    this.#stats.failed += entries.length;
    entries.forEach((entry, i) =>
      this.#forFlushesOf(entry, (r) => r.failed.push({ event: events[i]!, error })),
    );
    this.#inFlightSettled += entries.length;
    callSafely(() => this.#callbacks.onError?.(error, events));
  }

  #forFlushesOf(entry: Entry, update: (report: FlushReport) => void): void {
    for (const f of this.#flushes) if (entry.ordinal >= f.from && entry.ordinal < f.target) update(f.report);
  }

  #resolveFlushes(): void {
    if (this.#flushes.length === 0) return;
    const low = this.#lowestUnsettled();
    this.#flushes = this.#flushes.filter((f) => {
      if (low < f.target) return true;
      f.resolve(f.report);
      return false;
    });
  }

  // --- interval -----------------------------------------------------------------------------

  #armTimer(): void {
    if (
      this.#timer !== undefined ||
      this.#queue.length === 0 ||
      this.#o.flushIntervalMs === 0 ||
      this.#closed
    )
      return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const target = this.#nextOrdinal;
      void this.#send(() => this.#queue.peek()!.ordinal < target);
    }, this.#o.flushIntervalMs);
    // In Node, an idle client must not keep the process alive (installShutdownFlush sends the rest).
    (this.#timer as { unref?: () => void }).unref?.();
  }

  #disarmTimer(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

function refusedResult(status: number, message: string): ItemResult {
  return {
    index: 0,
    status: "rejected",
    id: null,
    log: null,
    seq: null,
    tier: null,
    errors: [{ path: "", message: `the server refused this event alone with status ${status}: ${message}` }],
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A throwing callback must not break delivery of the next batch. */
function callSafely(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    console.error("edgelog client: a callback threw", err);
  }
}

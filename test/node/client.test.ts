import { EventEmitter } from "node:events";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  backoffDelay,
  BufferFullError,
  ClientClosedError,
  createClient,
  createProducer,
  DeliveryError,
  EventTooLargeError,
  HttpStatusError,
  installShutdownFlush,
  type ClientOptions,
  type DesEvent,
  type EventOutcome,
  type Producer,
  retryAfterMs,
} from "../../src/client/index";
import { eventId, FAKE_KEY, startFakeEdgelog, type FakeEdgelog } from "./client-fake-edgelog";

/** Short delays so that retries cost milliseconds; each test sets what it exercises. */
const FAST: Partial<ClientOptions> = { retry: { baseDelayMs: 2, maxDelayMs: 20 }, flushIntervalMs: 0 };

let server: FakeEdgelog;
beforeEach(async () => {
  server = await startFakeEdgelog();
});
afterEach(async () => {
  await server.close();
});

function client(options: Partial<ClientOptions> = {}) {
  return createClient({ url: server.url, key: FAKE_KEY, ...FAST, ...options });
}

function decisions(producer: Producer, n: number, pad = 0): Promise<DesEvent[]> {
  return Promise.all(
    Array.from({ length: n }, (_, i) =>
      producer.event({
        decisionType: "credit_limit",
        logicType: "rule_based",
        output: i % 2 === 0 ? "approve" : "refer",
        extra: pad > 0 ? { decision_context: { note: "x".repeat(pad) } } : undefined,
      }),
    ),
  );
}

function seqOf(event: Record<string, unknown>): number {
  return (event.temporal_metadata as { sequence_number: number }).sequence_number;
}
function producerOf(event: Record<string, unknown>): string {
  return (event.temporal_metadata as { producer_id: string }).producer_id;
}

describe("edgelog client: delivery", () => {
  it("acknowledges every event exactly once through 429, 503, 500, dropped connections and a timeout, keeping producer order", async () => {
    const a = createProducer({ producerId: "producer-a" });
    const b = createProducer({ producerId: "producer-b" });
    const [evA, evB] = await Promise.all([decisions(a, 30), decisions(b, 30)]);
    server.script(
      { kind: "status", status: 429, retryAfter: "0" },
      { kind: "ok" },
      { kind: "status", status: 503 },
      { kind: "destroy" },
      { kind: "store-then-destroy" },
      { kind: "ok" },
      { kind: "status", status: 500 },
      { kind: "hang" },
      { kind: "store-then-destroy" },
    );
    const acks = new Map<string, number>();
    const c = client({
      maxBatchEvents: 7,
      requestTimeoutMs: 250,
      onResult: (outcomes: readonly EventOutcome[]) => {
        for (const o of outcomes) acks.set(o.result.id!, (acks.get(o.result.id!) ?? 0) + 1);
      },
    });
    for (let i = 0; i < 30; i++) {
      await c.log(evA[i]!);
      await c.log(evB[i]!);
    }
    const report = await c.flush();

    const ids = await Promise.all([...evA, ...evB].map(eventId));
    expect(report.failed).toEqual([]);
    expect(report.rejected).toEqual([]);
    expect(report.accepted + report.duplicates).toBe(60);
    expect(report.duplicates).toBeGreaterThan(0); // the answers lost after storing
    expect(server.stored.size).toBe(60);
    for (const id of ids) {
      expect(server.stored.has(id)).toBe(true);
      expect(acks.get(id)).toBe(1);
    }
    expect(acks.size).toBe(60);
    for (const p of ["producer-a", "producer-b"]) {
      const seqs = server.firstStored.filter((e) => producerOf(e) === p).map(seqOf);
      expect(seqs).toEqual(Array.from({ length: 30 }, (_, i) => i));
    }
    expect(c.stats()).toMatchObject({ buffered: 0, sent: 60, retries: 7, failed: 0, dropped: 0 });
  });

  it("honours Retry-After (seconds) on 429 before the next attempt", async () => {
    server.script({ kind: "status", status: 429, retryAfter: "1" });
    const c = client({ retry: { baseDelayMs: 1, maxDelayMs: 5_000 } });
    await c.log((await decisions(createProducer(), 1))[0]!);
    const report = await c.flush();
    expect(report.accepted).toBe(1);
    expect(server.requests).toHaveLength(2);
    const waited = server.requests[1]!.at - server.requests[0]!.at;
    expect(waited).toBeGreaterThanOrEqual(950);
    expect(c.stats().retries).toBe(1);
  });

  it("gives up after maxAttempts with a DeliveryError, reported as failed and to onError", async () => {
    server.script(
      ...Array.from({ length: 3 }, () => ({ kind: "status" as const, status: 503, retryAfter: "0" })),
    );
    const onError = vi.fn();
    const c = client({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 }, onError });
    const [event] = await decisions(createProducer(), 1);
    await c.log(event!);
    const report = await c.flush();
    expect(server.requests).toHaveLength(3);
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]!.event).toEqual(event);
    const error = report.failed[0]!.error as DeliveryError;
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error.attempts).toBe(3);
    expect(error.found).toMatch(/status 503/);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]![1]).toEqual([event]);
    expect(c.stats()).toMatchObject({ failed: 1, buffered: 0, retries: 2 });
  });

  it("does not retry 401: the batch fails at once with HttpStatusError", async () => {
    const c = createClient({ url: server.url, key: "wrong-key", ...FAST });
    await c.log((await decisions(createProducer(), 2))[0]!);
    const report = await c.flush();
    expect(server.requests).toHaveLength(1);
    const error = report.failed[0]!.error as HttpStatusError;
    expect(error).toBeInstanceOf(HttpStatusError);
    expect(error.status).toBe(401);
    expect(error.code).toBe("unauthorized");
    expect(c.stats().retries).toBe(0);
  });

  it("reports per-event rejections with their JSON pointers and delivers the rest (207)", async () => {
    const good = await decisions(createProducer(), 2);
    const bad = { ...good[0]!, decision_context: { decision_type: "credit_limit" } };
    const c = client();
    await c.log(good[0]!);
    await c.log(bad);
    await c.log(good[1]!);
    const report = await c.flush();
    expect(report).toMatchObject({ sent: 3, accepted: 2, duplicates: 0 });
    expect(report.rejected).toHaveLength(1);
    expect(report.rejected[0]!.event).toEqual(bad);
    expect(report.rejected[0]!.errors.map((e) => e.path)).toContain("/decision_context/decision_id");
    expect(c.stats().rejected).toBe(1);
  });

  it("splits a batch refused with 413 down to the event that is too large, and sends the others in order", async () => {
    await server.close();
    server = await startFakeEdgelog({ maxBodyBytes: 4_000 });
    const producer = createProducer({ producerId: "p" });
    const small = await decisions(producer, 3, 200);
    const [big] = await decisions(producer, 1, 5_000);
    const tail = await decisions(producer, 3, 200);
    const c = client({ gzip: false });
    for (const e of [...small, big!, ...tail]) await c.log(e);
    const report = await c.flush();
    expect(report.accepted).toBe(6);
    expect(report.rejected).toHaveLength(1);
    expect(report.rejected[0]!.event).toEqual(big);
    expect(report.rejected[0]!.errors[0]!.message).toMatch(/status 413/);
    expect(server.firstStored.map(seqOf)).toEqual([0, 1, 2, 4, 5, 6]);
    expect(server.requests[0]!.events).toHaveLength(7);
  });

  it("refuses an event larger than maxEventBytes at log() with EventTooLargeError", async () => {
    const c = client({ maxEventBytes: 1_000 });
    const [big] = await decisions(createProducer(), 1, 2_000);
    const err = await c.log(big!).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EventTooLargeError);
    expect((err as EventTooLargeError).limit).toBe(1_000);
    expect((err as EventTooLargeError).size).toBeGreaterThan(2_000);
    expect(c.stats().buffered).toBe(0);
  });
});

describe("edgelog client: batching", () => {
  it("gzips bodies of 1 KiB or more, which the server decodes to the same events", async () => {
    const events = await decisions(createProducer(), 10, 100);
    const c = client();
    for (const e of events) await c.log(e);
    const report = await c.flush();
    expect(report.accepted).toBe(10);
    expect(server.requests[0]!.headers["content-encoding"]).toBe("gzip");
    expect(server.requests[0]!.headers["content-type"]).toBe("application/x-ndjson");
    expect(server.requests[0]!.events).toEqual(events);
  });

  it("sends uncompressed with gzip: false", async () => {
    const c = client({ gzip: false });
    for (const e of await decisions(createProducer(), 10, 100)) await c.log(e);
    await c.flush();
    expect(server.requests[0]!.headers["content-encoding"]).toBeUndefined();
  });

  it("sends a batch once maxBatchEvents are buffered, without flush()", async () => {
    const c = client({ maxBatchEvents: 3 });
    const events = await decisions(createProducer(), 4);
    for (const e of events) await c.log(e);
    await server.received(1);
    expect(server.requests[0]!.events).toEqual(events.slice(0, 3));
    expect(c.stats().buffered).toBeGreaterThanOrEqual(1);
    await c.flush();
    expect(server.requests.map((r) => r.events.length)).toEqual([3, 1]);
  });

  it("sends a batch once maxBatchBytes of JSON are buffered, and keeps batches under it", async () => {
    // The chain's first event (previous_hash null) is shorter than the rest: leave it out.
    const events = (await decisions(createProducer(), 6, 1_000)).slice(1);
    const size = Math.max(...events.map((e) => JSON.stringify(e).length + 1));
    const c = client({ maxBatchBytes: size * 2 + 10 });
    for (const e of events.slice(0, 2)) await c.log(e);
    await new Promise((r) => setTimeout(r, 20));
    expect(server.requests).toHaveLength(0);
    await c.log(events[2]!);
    await server.received(1);
    expect(server.requests[0]!.events).toEqual(events.slice(0, 2));
    for (const e of events.slice(3)) await c.log(e);
    await c.flush();
    expect(server.requests.map((r) => r.events.length)).toEqual([2, 2, 1]);
  });

  it("sends what waits once flushIntervalMs has passed", async () => {
    const c = client({ flushIntervalMs: 30 });
    const [event] = await decisions(createProducer(), 1);
    const start = Date.now();
    await c.log(event!);
    await server.received(1);
    expect(Date.now() - start).toBeGreaterThanOrEqual(25);
    expect(server.requests[0]!.events).toEqual([event]);
    await c.close();
  });

  it("close() flushes, stops the timer and refuses later events", async () => {
    const c = client({ flushIntervalMs: 60_000 });
    const events = await decisions(createProducer(), 3);
    for (const e of events) await c.log(e);
    const report = await c.close();
    expect(report.accepted).toBe(3);
    await expect(c.log(events[0]!)).rejects.toBeInstanceOf(ClientClosedError);
    expect(await c.close()).toBe(report);
  });
});

describe("edgelog client: concurrent flushes", () => {
  it("each flush() reports the events logged before it, while a batch is in flight", async () => {
    let release!: () => void;
    server.script({ kind: "hold", release: new Promise<void>((r) => (release = r)) });
    const c = client();
    const events = await decisions(createProducer({ producerId: "p" }), 5);
    await c.log(events[0]!);
    await c.log(events[1]!);
    const first = c.flush();
    await server.received(1);
    await c.log(events[2]!);
    const second = c.flush();
    await c.log(events[3]!);
    await c.log(events[4]!);
    const third = c.flush();
    release();
    const [r1, r2, r3] = await Promise.all([first, second, third]);
    expect([r1.accepted, r2.accepted, r3.accepted]).toEqual([2, 3, 5]);
    expect(server.requests.map((r) => r.events.length)).toEqual([2, 3]);
    expect(server.firstStored.map(seqOf)).toEqual([0, 1, 2, 3, 4]);
    expect(await c.flush()).toEqual({
      sent: 0,
      accepted: 0,
      duplicates: 0,
      rejected: [],
      failed: [],
      dropped: 0,
    });
  });
});

describe("retry timing", () => {
  const policy = { maxAttempts: 8, baseDelayMs: 100, maxDelayMs: 1_000 };
  it("backs off exponentially with full jitter, capped at maxDelayMs", () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, () => 0.999999))).toEqual([
      99, 199, 399, 799, 999,
    ]);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
    expect(backoffDelay(80, policy, () => 0.5)).toBe(500);
  });
  it("reads Retry-After as delay-seconds or an HTTP-date (RFC 9110 §10.2.3)", () => {
    const now = Date.parse("2026-11-28T12:00:00Z");
    expect(retryAfterMs("3", now)).toBe(3_000);
    expect(retryAfterMs("Sat, 28 Nov 2026 12:00:05 GMT", now)).toBe(5_000);
    expect(retryAfterMs("Sat, 28 Nov 2026 11:59:00 GMT", now)).toBe(0);
    expect(retryAfterMs("soon", now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});

describe("edgelog client: overflow", () => {
  /** Holds the first request open so the buffer fills behind it: 2 events in flight, 3 waiting. */
  async function filled(overflow: ClientOptions["overflow"]) {
    let release!: () => void;
    server.script({ kind: "hold", release: new Promise<void>((r) => (release = r)) });
    const c = client({ maxBatchEvents: 2, maxBufferEvents: 3, overflow });
    const events = await decisions(createProducer({ producerId: "p" }), 6);
    await c.log(events[0]!);
    await c.log(events[1]!);
    await server.received(1);
    for (const e of events.slice(2, 5)) await c.log(e);
    expect(c.stats().buffered).toBe(5);
    return { c, events, release };
  }

  it("block: log() waits for room, then every event is delivered in order", async () => {
    const { c, events, release } = await filled("block");
    let admitted = false;
    const sixth = c.log(events[5]!).then(() => (admitted = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(admitted).toBe(false);
    expect(c.stats().buffered).toBe(6);
    release();
    await sixth;
    const report = await c.flush();
    expect(report.accepted).toBe(4);
    expect(server.firstStored.map(seqOf)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(c.stats()).toMatchObject({ accepted: 6, dropped: 0 });
  });

  it("throw: log() rejects with BufferFullError carrying the limit", async () => {
    const { c, events, release } = await filled("throw");
    const err = await c.log(events[5]!).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BufferFullError);
    expect((err as BufferFullError).limit).toBe(3);
    expect((err as BufferFullError).expected).toMatch(/at most 3/);
    release();
    const report = await c.flush();
    expect(report.accepted).toBe(5); // the two in flight were not settled when flush() was called
    expect(server.firstStored.map(seqOf)).toEqual([0, 1, 2, 3, 4]);
  });

  it("drop-oldest: the oldest waiting event goes, counted in stats and in the flush report", async () => {
    const { c, events, release } = await filled("drop-oldest");
    const pending = c.flush();
    await c.log(events[5]!);
    expect(c.stats().dropped).toBe(1);
    release();
    const report = await pending;
    expect(report.dropped).toBe(1);
    await c.flush();
    expect(server.firstStored.map(seqOf)).toEqual([0, 1, 3, 4, 5]);
    expect(c.stats()).toMatchObject({ dropped: 1, accepted: 5, buffered: 0 });
  });
});

describe("installShutdownFlush", () => {
  class FakeProcess extends EventEmitter {
    readonly pid = 4242;
    kill = vi.fn();
  }

  it("on SIGTERM closes the client (final flush), then re-raises the signal", async () => {
    const proc = new FakeProcess();
    const c = client({ flushIntervalMs: 60_000 });
    installShutdownFlush(c, { process: proc });
    const events = await decisions(createProducer(), 3);
    for (const e of events) await c.log(e);
    proc.emit("SIGTERM");
    await vi.waitFor(() => expect(proc.kill).toHaveBeenCalledWith(4242, "SIGTERM"));
    expect(server.stored.size).toBe(3);
    expect(proc.listenerCount("SIGTERM")).toBe(0);
    await expect(c.log(events[0]!)).rejects.toBeInstanceOf(ClientClosedError);
  });

  it("leaves the exit to the application when it listens to the signal too", async () => {
    const proc = new FakeProcess();
    const c = client({ flushIntervalMs: 60_000 });
    const appHandler = vi.fn();
    proc.on("SIGINT", appHandler);
    installShutdownFlush(c, { process: proc });
    await c.log((await decisions(createProducer(), 1))[0]!);
    proc.emit("SIGINT");
    await vi.waitFor(() => expect(server.stored.size).toBe(1));
    await new Promise((r) => setTimeout(r, 10));
    expect(appHandler).toHaveBeenCalledTimes(1);
    expect(proc.kill).not.toHaveBeenCalled();
  });

  it("on beforeExit flushes what is buffered, and the uninstaller removes every handler", async () => {
    const proc = new FakeProcess();
    const c = client({ flushIntervalMs: 60_000 });
    const uninstall = installShutdownFlush(c, { process: proc });
    await c.log((await decisions(createProducer(), 1))[0]!);
    proc.emit("beforeExit");
    await vi.waitFor(() => expect(server.stored.size).toBe(1));
    uninstall();
    expect(
      proc.listenerCount("beforeExit") + proc.listenerCount("SIGTERM") + proc.listenerCount("SIGINT"),
    ).toBe(0);
  });
});

import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { shardFailure } from "../../src/worker/shard-errors";
import type { PreparedEvent } from "../../src/shard/types";

function prepared(n: number, offset: number): PreparedEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    index: i,
    id: (offset + i).toString(16).padStart(64, "0"),
    decisionId: `d-${offset + i}`,
    decisionType: "test",
    logicType: "rule_based",
    outputKey: '"approve"',
    sequenceNumber: 0,
    schemaVersion: "0.3.0",
    tier: "lightweight" as const,
    declaredTier: "lightweight" as const,
    rule: null,
    sample: null,
    retained: "body" as const,
    body: "{}",
    masked: [],
    producer: "test",
    chain: { verdict: "unverified" as const },
    futureTimestamp: false,
  }));
}

describe("backpressure", () => {
  it("a shard with too many unsealed events refuses appends with a retry delay, and accepts again once sealed", async () => {
    const log = { tenant: "bp", shard: 0, origin: "edgelog.localhost/bp/0" };
    const settings = {
      batchMax: 1000,
      batchMs: 60_000,
      retentionDays: 0,
      maxPending: 5,
      archiveKeepBatches: 64,
    };
    const stub = env.LOG_SHARD.getByName("bp/0");
    const first = await stub.append(log, settings, prepared(5, 0), { waitSealed: false });
    expect(Array.isArray(first)).toBe(true);
    const refused = await stub.append(log, settings, prepared(2, 100), { waitSealed: false });
    expect(refused).toMatchObject({ overloaded: true, pending: 5 });
    expect((refused as { retryAfterMs: number }).retryAfterMs).toBeGreaterThanOrEqual(1000);
    // Nothing of the refused call was stored; the acknowledged five were.
    expect(await stub.findEvents(prepared(2, 100).map((e) => e.id))).toEqual([]);
    expect((await stub.findEvents(prepared(5, 0).map((e) => e.id))).length).toBe(5);
    // The refusal kicked off sealing of the backlog; then appends are accepted again.
    for (let i = 0; i < 50 && ((await stub.info())?.pending ?? 1) > 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    const after = await stub.append(log, settings, prepared(2, 100), { waitSealed: false });
    expect(Array.isArray(after)).toBe(true);
  });

  it("maps the runtime's overloaded error to 503 with Retry-After, other failures to a retryable 503", () => {
    const overloaded = shardFailure(
      Object.assign(new Error("Durable Object is overloaded"), { overloaded: true }),
      "o/t/0",
    );
    expect(overloaded.status).toBe(503);
    expect(overloaded.code).toBe("shard_overloaded");
    expect(overloaded.headers["retry-after"]).toBe("1");
    const other = shardFailure(new Error("network lost"), "o/t/0");
    expect(other.status).toBe(503);
    expect(other.message).toContain("network lost");
  });
});

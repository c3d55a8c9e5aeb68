import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AppendResult, PreparedEvent } from "../../src/shard/types";

function prepared(n: number, offset: number): PreparedEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    index: i,
    id: (0xa000 + offset + i).toString(16).padStart(64, "0"),
    decisionId: `ws-${offset + i}`,
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

describe("?wait=sealed", () => {
  // Batches here seal after an hour or 1,000 events: neither trigger fires during the test, so
  // an answer proves the waiting append sealed its batch itself.
  const settings = {
    batchMax: 1000,
    batchMs: 3_600_000,
    retentionDays: 0,
    maxPending: 10_000,
    archiveKeepBatches: 0,
  };

  it("seals what is pending at once, with the events appended before it, and answers each event's place", async () => {
    const log = { tenant: "ws", shard: 0, origin: "edgelog.localhost/ws/0" };
    const stub = env.LOG_SHARD.getByName("ws/0");
    const before = (await stub.append(log, settings, prepared(3, 0), {
      waitSealed: false,
    })) as AppendResult[];
    expect(before.map((r) => r.batch)).toEqual([undefined, undefined, undefined]);
    const waited = (await stub.append(log, settings, prepared(2, 10), {
      waitSealed: true,
    })) as AppendResult[];
    expect(waited.map((r) => [r.status, r.batch, r.leaf_index])).toEqual([
      ["accepted", 0, 3],
      ["accepted", 0, 4],
    ]);
    expect(await stub.info()).toMatchObject({ pending: 0 });
    // The next waiting append gets a batch of its own.
    const next = (await stub.append(log, settings, prepared(1, 20), { waitSealed: true })) as AppendResult[];
    expect(next.map((r) => [r.batch, r.leaf_index])).toEqual([[1, 0]]);
  });
});

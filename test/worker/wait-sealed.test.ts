import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { preparedEvents } from "../support/prepared-events";
import type { AppendResult } from "../../src/shard/types";

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
    const before = (await stub.append(log, settings, preparedEvents(3, 0, "ws", 0xa000), {
      waitSealed: false,
    })) as AppendResult[];
    expect(before.map((r) => r.batch)).toEqual([undefined, undefined, undefined]);
    const waited = (await stub.append(log, settings, preparedEvents(2, 10, "ws", 0xa000), {
      waitSealed: true,
    })) as AppendResult[];
    expect(waited.map((r) => [r.status, r.batch, r.leaf_index])).toEqual([
      ["accepted", 0, 3],
      ["accepted", 0, 4],
    ]);
    expect(await stub.info()).toMatchObject({ pending: 0 });
    // The next waiting append gets a batch of its own.
    const next = (await stub.append(log, settings, preparedEvents(1, 20, "ws", 0xa000), {
      waitSealed: true,
    })) as AppendResult[];
    expect(next.map((r) => [r.batch, r.leaf_index])).toEqual([[1, 0]]);
  });
});

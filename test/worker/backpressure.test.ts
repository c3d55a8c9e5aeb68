import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { preparedEvents } from "../support/prepared-events";
import { shardFailure } from "../../src/worker/shard-errors";

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
    const first = await stub.append(log, settings, preparedEvents(5, 0), { waitSealed: false });
    expect(Array.isArray(first)).toBe(true);
    const refused = await stub.append(log, settings, preparedEvents(2, 100), { waitSealed: false });
    expect(refused).toMatchObject({ overloaded: true, pending: 5 });
    expect((refused as { retryAfterMs: number }).retryAfterMs).toBeGreaterThanOrEqual(1000);
    // Nothing of the refused call was stored; the acknowledged five were.
    expect(await stub.findEvents(preparedEvents(2, 100).map((e) => e.id))).toEqual([]);
    expect((await stub.findEvents(preparedEvents(5, 0).map((e) => e.id))).length).toBe(5);
    // The refusal kicked off sealing of the backlog; then appends are accepted again.
    for (let i = 0; i < 50 && ((await stub.info())?.pending ?? 1) > 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    const after = await stub.append(log, settings, preparedEvents(2, 100), { waitSealed: false });
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

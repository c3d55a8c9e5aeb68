import { env, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { call, ingest, newTenant } from "../support/api";
import { makeEvent } from "../support/events";
import { ID_KEY } from "../../src/shard/event-ids";
import type { LogShard } from "../../src/shard/log-shard";

const realKey = ID_KEY.of;
afterEach(() => {
  ID_KEY.of = realKey;
});

describe("event id index: 48-bit keys confirmed from the envelope", () => {
  it("keeps every lookup right when all ids share one key (forced collisions)", async () => {
    ID_KEY.of = () => 42;
    const t = await newTenant();
    const first = await ingest(t.key, [makeEvent(), makeEvent(), makeEvent()], "?wait=sealed");
    expect(first.body.results.map((r) => r.status)).toEqual(["accepted", "accepted", "accepted"]);
    const sealedIds = first.body.results.map((r) => r.id!);
    // Pending events collide with sealed ones and with each other.
    const pendingEvents = [makeEvent(), makeEvent()];
    const second = await ingest(t.key, pendingEvents);
    expect(second.body.results.map((r) => r.status)).toEqual(["accepted", "accepted"]);
    const stub = env.LOG_SHARD.getByName(`${t.id}/0`);
    const keys = await runInDurableObject(stub, (_i, state) =>
      state.storage.sql
        .exec<{ k: number }>("SELECT k FROM event_ids")
        .toArray()
        .map((r) => r.k),
    );
    expect(keys).toEqual([42, 42, 42, 42, 42]);

    // Resending: each is answered as the duplicate of itself (sealed and pending alike), and a
    // new event with the same key is accepted.
    const again = await ingest(t.key, [pendingEvents[1], makeEvent()]);
    expect(again.body.results[0]).toMatchObject({ status: "duplicate", seq: second.body.results[1]!.seq });
    expect(again.body.results[1]).toMatchObject({ status: "accepted", seq: 5 });

    // Lookups by id find the right event among the candidates.
    for (const [i, id] of [...sealedIds, ...second.body.results.map((r) => r.id!)].entries()) {
      const res = await call("GET", `/v1/events/${id}`, { token: t.key });
      expect(res.status).toBe(200);
      const record = (await res.json()) as { envelope: { id: string; seq: number } };
      expect(record.envelope).toMatchObject({ id, seq: i });
    }
    const missing = "ab".repeat(32);
    expect((await call("GET", `/v1/events/${missing}`, { token: t.key })).status).toBe(404);
    const found = await stub.findEvents([sealedIds[1]!, missing]);
    expect(found).toEqual([{ id: sealedIds[1], seq: 1, tier: "full" }]);

    // Erasure removes the body of the event asked for, not of another candidate.
    const erased = await call("DELETE", `/v1/events/${sealedIds[2]}/body`, {
      token: t.key,
      json: { reason: "test" },
    });
    expect(erased.status).toBe(200);
    const bodies = await runInDurableObject(stub, async (instance: LogShard) =>
      Promise.all(sealedIds.map(async (id) => (await instance.getEvent(id))?.body ?? null)),
    );
    expect(bodies.map((b) => b !== null)).toEqual([true, true, false]);
  });

  it("stores the first 48 bits of the id as the key", async () => {
    const t = await newTenant();
    const { body } = await ingest(t.key, [makeEvent()]);
    const id = body.results[0]!.id!;
    const rows = await runInDurableObject(env.LOG_SHARD.getByName(`${t.id}/0`), (_i, state) =>
      state.storage.sql.exec<{ k: number; seq: number }>("SELECT k, seq FROM event_ids").toArray(),
    );
    expect(rows).toEqual([{ k: parseInt(id.slice(0, 12), 16), seq: 0 }]);
  });
});

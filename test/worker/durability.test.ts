import { abortAllDurableObjects, env, evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, ingest, newTenant } from "../support/api";
import { makeEvents } from "../support/events";

describe("durability", () => {
  it("keeps every acknowledged event across an abort of all Durable Objects", async () => {
    const t = await newTenant();
    const acknowledged: Array<{ id: string; seq: number }> = [];
    for (let round = 0; round < 5; round++) {
      const { status, body } = await ingest(t.key, makeEvents(40));
      expect(status).toBe(200);
      for (const r of body.results) acknowledged.push({ id: r.id!, seq: r.seq! });
    }
    await abortAllDurableObjects();
    for (const a of acknowledged) {
      const res = await call("GET", `/v1/events/${a.id}`, { token: t.key });
      expect(res.status).toBe(200);
      const got = (await res.json()) as { envelope: { id: string; seq: number }; event: unknown };
      expect(got.envelope).toMatchObject({ id: a.id, seq: a.seq });
      expect(got.event).not.toBeNull();
    }
    // Sequencing resumes after the restart without reusing a number.
    const next = await ingest(t.key, makeEvents(1));
    expect(next.body.results[0]!.seq).toBe(200);
  });

  it("keeps events across an eviction of the shard", async () => {
    const t = await newTenant();
    const { body } = await ingest(t.key, makeEvents(10));
    await evictDurableObject(env.LOG_SHARD.getByName(`${t.id}/0`));
    for (const r of body.results) {
      expect((await call("GET", `/v1/events/${r.id}`, { token: t.key })).status).toBe(200);
    }
  });
});

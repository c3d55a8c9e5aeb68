import { abortAllDurableObjects, env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, ingest, newTenant } from "../support/api";
import { makeEvents } from "../support/events";
import { sealBatch } from "../../src/shard/seal";
import { TreeStore } from "../../src/shard/tree-store";
import { signerFromSeed, parseSigningKey } from "../../src/core/note";

function batchesOf(state: DurableObjectState) {
  return state.storage.sql
    .exec<{ n: number; first_seq: number; count: number }>(
      "SELECT n, first_seq, count FROM batches ORDER BY n",
    )
    .toArray();
}

describe("sealing survives restarts", () => {
  it("an aborted shard seals its acknowledged pending events on restart, each exactly once", async () => {
    const t = await newTenant();
    const { body } = await ingest(t.key, makeEvents(30));
    expect(body.accepted).toBe(30);
    await abortAllDurableObjects();
    const stub = env.LOG_SHARD.getByName(`${t.id}/0`);
    // The restarted object re-arms its alarm from storage; running it seals what was pending.
    await runInDurableObject(stub, async (_i, state) =>
      expect(await state.storage.getAlarm()).not.toBeNull(),
    );
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const batches = await runInDurableObject(stub, (_i, state) => batchesOf(state));
    expect(batches.reduce((n, b) => n + b.count, 0)).toBe(30);
    let next = 0;
    for (const b of batches) {
      expect(b.first_seq).toBe(next);
      next += b.count;
    }
    for (const r of body.results) {
      const doc = (await (await call("GET", `/v1/events/${r.id}`, { token: t.key })).json()) as {
        status: string;
      };
      expect(doc.status).toBe("sealed");
    }
  });

  it("a seal that fails inside its transaction leaves no partial batch, node or checkpoint", async () => {
    const t = await newTenant();
    await ingest(t.key, makeEvents(5));
    const stub = env.LOG_SHARD.getByName(`${t.id}/0`);
    const counts = await runInDurableObject(stub, async (_i, state) => {
      const sql = state.storage.sql;
      const signer = await signerFromSeed(
        `edgelog.localhost/${t.id}/0`,
        parseSigningKey("AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="),
      );
      await expect(
        sealBatch(sql, new TreeStore(sql), {
          origin: `edgelog.localhost/${t.id}/0`,
          batch: 0,
          firstSeq: 0,
          max: 256,
          signer,
          commit: (write) =>
            state.storage.transactionSync(() => {
              write();
              throw new Error("simulated crash before commit");
            }),
        }),
      ).rejects.toThrow("simulated crash");
      const one = (q: string) => sql.exec<{ n: number }>(q).one().n;
      return {
        batches: one("SELECT COUNT(*) AS n FROM batches"),
        nodes: one("SELECT COUNT(*) AS n FROM tree_nodes"),
        checkpoints: one("SELECT COUNT(*) AS n FROM checkpoints"),
      };
    });
    expect(counts).toEqual({ batches: 0, nodes: 0, checkpoints: 0 });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const batches = await runInDurableObject(stub, (_i, state) => batchesOf(state));
    expect(batches).toEqual([{ n: 0, first_seq: 0, count: 5 }]);
  });
});

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

  it("a seal refuses pending events with a gap, whether or not a slice starts inside the batch", async () => {
    // Three pending slices (seqs 0–9, 10–19, 20–29); one is removed, then a seal from seq 0 runs.
    const sealWithout = async (removed: number, max: number) => {
      const t = await newTenant();
      for (let i = 0; i < 3; i++) expect((await ingest(t.key, makeEvents(10))).body.accepted).toBe(10);
      const stub = env.LOG_SHARD.getByName(`${t.id}/0`);
      return runInDurableObject(stub, async (_i, state) => {
        // The shard's own alarm would try this seal as well (and log its refusal): not here.
        await state.storage.deleteAlarm();
        const sql = state.storage.sql;
        const firsts = () =>
          sql.exec<{ first_seq: number }>("SELECT first_seq FROM slices ORDER BY first_seq");
        expect(
          firsts()
            .toArray()
            .map((r) => r.first_seq),
        ).toEqual([0, 10, 20]);
        sql.exec("DELETE FROM slices WHERE first_seq = ?", removed);
        const signer = await signerFromSeed(
          `edgelog.localhost/${t.id}/0`,
          parseSigningKey("AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="),
        );
        const error = await sealBatch(sql, new TreeStore(sql), {
          origin: `edgelog.localhost/${t.id}/0`,
          batch: 0,
          firstSeq: 0,
          max,
          signer,
          commit: (write) => state.storage.transactionSync(write),
        }).then(
          () => "sealed",
          (err: Error) => err.message,
        );
        const batches = sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM batches").one().n;
        return { error, batches, slices: firsts().toArray().length };
      });
    };
    // The middle slice is gone: the batch's range holds slices 0 and 20.
    expect(await sealWithout(10, 256)).toEqual({
      error: "pending slices are not contiguous at seq 20",
      batches: 0,
      slices: 2,
    });
    // The first slice is gone and the batch (seqs 0–4) holds no slice start: the later ones show the gap.
    expect(await sealWithout(0, 5)).toEqual({
      error: "pending slices are not contiguous at seq 10",
      batches: 0,
      slices: 2,
    });
  });
});

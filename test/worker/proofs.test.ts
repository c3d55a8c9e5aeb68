import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, ingest, newTenant, type TestTenant } from "../support/api";
import { makeEvents } from "../support/events";
import { verifyEventProof, type EventProofDocument } from "../../src/core/event-proof";
import { openNote, parseCheckpoint, verifierFromVkey } from "../../src/core/note";
import { hashLeaf, merkleRoot, verifyConsistency } from "../../src/core/merkle";
import { fromHex, toHex, utf8 } from "../../src/core/bytes";
import { canonicalJson } from "../../src/core/canonical";
import { VerificationError } from "../../src/core/errors";
import type { LogShard } from "../../src/shard/log-shard";
import { editSealedLine } from "../support/shard-storage";
import { eventLine, splitLine } from "../../src/shard/bundle";

async function vkeyOf(t: TestTenant): Promise<string> {
  const res = await call("GET", "/v1/logs/0/key", { token: t.key });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/plain");
  return (await res.text()).trim();
}

async function getProof(t: TestTenant, id: string): Promise<EventProofDocument & { status: string }> {
  const res = await call("GET", `/v1/events/${id}`, { token: t.key });
  expect(res.status).toBe(200);
  return (await res.json()) as EventProofDocument & { status: string };
}

async function checkpointOf(t: TestTenant): Promise<{ note: string; size: number; root: Uint8Array }> {
  const res = await call("GET", "/v1/logs/0/checkpoint", { token: t.key });
  expect(res.status).toBe(200);
  const note = await res.text();
  const verifier = await verifierFromVkey(await vkeyOf(t));
  const cp = parseCheckpoint((await openNote(note, [verifier])).text);
  return { note, size: cp.size, root: cp.rootHash };
}

describe("sealing and proofs", () => {
  it("answers ?wait=sealed with batch and leaf_index, and every event's proof verifies", async () => {
    const t = await newTenant();
    const { status, body } = await ingest(t.key, makeEvents(300), "?wait=sealed");
    expect(status).toBe(200);
    // 256 fill one batch at once; the other 44 are sealed when the batch window ends.
    expect(body.results[0]).toMatchObject({ batch: 0, leaf_index: 0 });
    expect(body.results[255]).toMatchObject({ batch: 0, leaf_index: 255 });
    expect(body.results[256]).toMatchObject({ batch: 1, leaf_index: 0 });
    expect(body.results[299]).toMatchObject({ batch: 1, leaf_index: 43 });
    const verifier = await verifierFromVkey(await vkeyOf(t));
    for (const r of body.results.filter((_, i) => i % 7 === 0 || i === 299)) {
      const doc = await getProof(t, r.id!);
      expect(doc.status).toBe("sealed");
      const steps = await verifyEventProof(doc, verifier);
      expect(steps.map((s) => s.step)).toEqual([
        "envelope leaf",
        "event digest",
        "batch inclusion",
        "checkpoint signature",
        "log inclusion",
      ]);
    }
  });

  it("shows a pending event without a proof until its batch window ends", async () => {
    const t = await newTenant();
    const { body } = await ingest(t.key, makeEvents(3));
    const before = await getProof(t, body.results[0]!.id!);
    expect(before.status).toBe("pending");
    expect(before.proof).toBeNull();
    expect(await runDurableObjectAlarm(env.LOG_SHARD.getByName(`${t.id}/0`))).toBe(true);
    const after = await getProof(t, body.results[0]!.id!);
    expect(after.status).toBe("sealed");
    expect(after.proof!.tree_size).toBe(1);
  });

  it("keeps every checkpoint consistent with every earlier one", async () => {
    const t = await newTenant();
    const seen: Array<{ size: number; root: Uint8Array }> = [];
    for (let round = 0; round < 6; round++) {
      await ingest(t.key, makeEvents(round + 1), "?wait=sealed");
      seen.push(await checkpointOf(t));
    }
    const latest = seen[seen.length - 1]!;
    expect(latest.size).toBe(6);
    for (const old of seen) {
      for (const neu of seen.filter((s) => s.size >= old.size)) {
        const res = await call("GET", `/v1/logs/0/consistency?from=${old.size}&to=${neu.size}`, {
          token: t.key,
        });
        expect(res.status).toBe(200);
        const proof = (await res.json()) as { path: string[] };
        verifyConsistency(old.size, neu.size, old.root, neu.root, proof.path.map(fromHex));
      }
    }
    const bad = await call("GET", "/v1/logs/0/consistency?from=3&to=99", { token: t.key });
    expect(bad.status).toBe(400);
    expect((await call("GET", "/v1/logs/0/consistency?from=x&to=2", { token: t.key })).status).toBe(400);
  });

  it("exports a batch as NDJSON whose envelopes recompute the header's root", async () => {
    const t = await newTenant();
    await ingest(t.key, makeEvents(20), "?wait=sealed");
    const res = await call("GET", "/v1/logs/0/batches/0", { token: t.key });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/x-ndjson");
    const lines = (await res.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const header = lines[0] as { count: number; root: string };
    expect(header.count).toBe(20);
    const leaves = lines.slice(1).map((l) => hashLeaf(utf8(canonicalJson(l.envelope))));
    expect(toHex(merkleRoot(leaves))).toBe(header.root);
    expect((await call("GET", "/v1/logs/0/batches/7", { token: t.key })).status).toBe(404);
    expect((await call("GET", "/v1/logs/3/checkpoint", { token: t.key })).status).toBe(404);
  });

  it("lists the tenant's logs with their sizes", async () => {
    const t = await newTenant();
    await ingest(t.key, makeEvents(4), "?wait=sealed");
    const res = await call("GET", "/v1/logs", { token: t.key });
    expect(await res.json()).toEqual([
      { log: "0", origin: `edgelog.localhost/${t.id}/0`, size: 1, events: 4, pending: 0 },
    ]);
  });
});

describe("tampering is detected", () => {
  async function sealedTenant() {
    const t = await newTenant();
    const { body } = await ingest(t.key, makeEvents(10), "?wait=sealed");
    const verifier = await verifierFromVkey(await vkeyOf(t));
    return { t, ids: body.results.map((r) => r.id!), verifier, stub: env.LOG_SHARD.getByName(`${t.id}/0`) };
  }

  it("a changed body fails the event digest check", async () => {
    const { t, ids, verifier, stub } = await sealedTenant();
    await runInDurableObject(stub, (instance: LogShard, state) =>
      editSealedLine(instance, state.storage.sql, 3, (line) =>
        line.replace('"output":"approve"', '"output":"deny"'),
      ),
    );
    await expect(verifyEventProof(await getProof(t, ids[3]!), verifier)).rejects.toThrow(
      /event body does not match the envelope digest/,
    );
    await verifyEventProof(await getProof(t, ids[4]!), verifier);
  });

  it("a changed envelope fails batch inclusion", async () => {
    const { t, ids, verifier, stub } = await sealedTenant();
    await runInDurableObject(stub, (instance: LogShard, state) =>
      editSealedLine(instance, state.storage.sql, 5, (line) => {
        const { envelope, body } = splitLine(line);
        return eventLine(envelope.replace('"lightweight"', '"full"'), body);
      }),
    );
    const err = await verifyEventProof(await getProof(t, ids[5]!), verifier).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VerificationError);
    expect((err as Error).message).toMatch(/batch root/);
  });

  it("a changed batch root fails log inclusion", async () => {
    const { t, ids, verifier, stub } = await sealedTenant();
    await runInDurableObject(stub, (_i, state) => {
      const row = state.storage.sql.exec<{ header: string }>("SELECT header FROM batches WHERE n = 0").one();
      const header = JSON.parse(row.header) as { root: string };
      const forged = (header.root[0] === "0" ? "1" : "0") + header.root.slice(1);
      state.storage.sql.exec(
        "UPDATE batches SET header = ? WHERE n = 0",
        row.header.replace(header.root, forged),
      );
    });
    await expect(verifyEventProof(await getProof(t, ids[0]!), verifier)).rejects.toThrow(VerificationError);
  });
});

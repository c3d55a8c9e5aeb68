import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { prepareAll } from "../support/prepared-events";
import { call, newTenant } from "../support/api";
import { makeEvents } from "../support/events";
import { verifyEventProof, type EventProofDocument } from "../../src/core/event-proof";
import { openNote, parseCheckpoint, verifierFromVkey } from "../../src/core/note";
import { hashLeaf, merkleRoot } from "../../src/core/merkle";
import { bytesEqual, toHex, utf8 } from "../../src/core/bytes";
import { canonicalJson } from "../../src/core/canonical";
import { batchKey } from "../../src/shard/archive";
import { gunzip } from "../../src/shard/bundle";
import { storedLines } from "../support/shard-storage";

const settings = { batchMax: 8, batchMs: 50, retentionDays: 0, maxPending: 10_000, archiveKeepBatches: 1 };

const prepare = (events: unknown[]) => prepareAll(events, "full", "archive-test");

describe("R2 archive of sealed batches", () => {
  it("archives every sealed batch, moves bodies out of SQLite, and serves events, exports and proofs from R2", async () => {
    const t = await newTenant();
    const log = { tenant: t.id, shard: 0, origin: `edgelog.localhost/${t.id}/0` };
    const stub = env.LOG_SHARD.getByName(`${t.id}/0`);
    const sent = makeEvents(20);
    const results = await stub.append(log, settings, await prepare(sent), { waitSealed: true });
    if (!Array.isArray(results)) throw new Error("refused");
    // 20 events in batches of 8 → 3 batches, all archived; with keep = 1 only the newest batch's
    // 4 bodies stay in SQLite.
    // Archiving follows sealing asynchronously; give it a moment.
    let bodiesLeft = -1;
    for (let i = 0; i < 100 && bodiesLeft !== 4; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 20));
      bodiesLeft = await runInDurableObject(
        stub,
        async (_i, state) =>
          (await storedLines(state.storage.sql)).filter((l) => !l.endsWith(',"event":null}')).length,
      );
    }
    expect(bodiesLeft).toBe(4);
    for (let n = 0; n < 3; n++) expect(await env.ARCHIVE.head(batchKey(t.id, 0, n))).not.toBeNull();
    // The newest batch keeps its bodies in SQLite: its object holds the stored bundle's bytes.
    const storedBundle = await runInDurableObject(stub, (_i, state) =>
      toHex(
        new Uint8Array(
          state.storage.sql.exec<{ bundle: ArrayBuffer }>("SELECT bundle FROM batches WHERE n = 2").one()
            .bundle,
        ),
      ),
    );
    const archivedBundle = await env.ARCHIVE.get(batchKey(t.id, 0, 2));
    expect(toHex(new Uint8Array(await archivedBundle!.arrayBuffer()))).toBe(storedBundle);

    const vkey = (await (await call("GET", "/v1/logs/0/key", { token: t.key })).text()).trim();
    const verifier = await verifierFromVkey(vkey);
    for (const [i, r] of results.entries()) {
      const doc = (await (
        await call("GET", `/v1/events/${r.id}`, { token: t.key })
      ).json()) as EventProofDocument;
      expect(doc.event).toEqual(sent[i]);
      await verifyEventProof(doc, verifier);
    }

    // An audit of the log, from its batch exports alone (served from R2): every root recomputes.
    const headers: Uint8Array[] = [];
    for (let n = 0; n < 3; n++) {
      const text = await (await call("GET", `/v1/logs/0/batches/${n}`, { token: t.key })).text();
      const lines = text
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { envelope: unknown; event: unknown; root?: string });
      const header = lines[0] as unknown as { root: string; count: number };
      expect(lines.slice(1).every((l) => l.event !== null)).toBe(true);
      expect(toHex(merkleRoot(lines.slice(1).map((l) => hashLeaf(utf8(canonicalJson(l.envelope))))))).toBe(
        header.root,
      );
      headers.push(hashLeaf(utf8(canonicalJson(header))));
    }
    const note = await (await call("GET", "/v1/logs/0/checkpoint", { token: t.key })).text();
    const cp = parseCheckpoint((await openNote(note, [verifier])).text);
    expect(cp.size).toBe(3);
    expect(bytesEqual(merkleRoot(headers), cp.rootHash)).toBe(true);
  });

  it("erasing an archived body rewrites the archived object without it", async () => {
    const t = await newTenant();
    const log = { tenant: t.id, shard: 0, origin: `edgelog.localhost/${t.id}/0` };
    const stub = env.LOG_SHARD.getByName(`${t.id}/0`);
    const results = await stub.append(log, settings, await prepare(makeEvents(8)), { waitSealed: true });
    if (!Array.isArray(results)) throw new Error("refused");
    const id = results[2]!.id;
    const res = await call("DELETE", `/v1/events/${id}/body`, {
      token: t.key,
      json: { reason: "subject request" },
    });
    expect(res.status).toBe(200);
    const stored = await env.ARCHIVE.get(batchKey(t.id, 0, 0));
    expect(stored!.httpMetadata?.contentEncoding).toBe("gzip");
    const object = await gunzip(new Uint8Array(await stored!.arrayBuffer()));
    const lines = object
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { event: unknown });
    expect(lines[3]!.event).toBeNull();
    expect(lines[2]!.event).not.toBeNull();
    const doc = (await (await call("GET", `/v1/events/${id}`, { token: t.key })).json()) as {
      event: unknown;
      erased: { reason: string };
    };
    expect(doc.event).toBeNull();
    expect(doc.erased.reason).toBe("subject request");
  });
});

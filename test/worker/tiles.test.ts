import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, call, ingest, newKey, newTenant, type TestTenant } from "../support/api";
import { makeEvents } from "../support/events";
import { hashLeaf, merkleRoot, nodesToStoreOnAppend } from "../../src/core/merkle";
import { openNote, parseCheckpoint, verifierFromVkey } from "../../src/core/note";
import { decodeBundle, splitHashTile, TiledTree, type TileRef } from "../../src/core/tiles";
import { fromHex, utf8 } from "../../src/core/bytes";
import { readTile } from "../../src/shard/tiles";
import { TreeStore } from "../../src/shard/tree-store";
import { SHARD_SCHEMA } from "../../src/shard/schema";

const decoder = new TextDecoder();

/** Seals `batches` batches of `per` events each (one request per batch, waiting for the seal). */
async function sealBatches(t: TestTenant, batches: number, per: number): Promise<void> {
  for (let b = 0; b < batches; b++) {
    const { status } = await ingest(t.key, makeEvents(per), "?wait=sealed");
    expect(status).toBe(200);
  }
}

async function get(path: string, token?: string): Promise<Response> {
  return call("GET", path, { token });
}

describe("tlog-tiles serving", () => {
  it("serves checkpoint, partial hash tiles, entry bundles and envelope bundles that recompute every root", async () => {
    const t = await newTenant();
    await sealBatches(t, 3, 4);
    const prefix = `/v1/tiles/${t.id}/0`;

    const cpRes = await get(`${prefix}/checkpoint`, t.key);
    expect(cpRes.status).toBe(200);
    expect(cpRes.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(cpRes.headers.get("cache-control")).toContain("no-cache");
    const vkey = (await (await get("/v1/logs/0/key", t.key)).text()).trim();
    const cp = parseCheckpoint((await openNote(await cpRes.text(), [await verifierFromVkey(vkey)])).text);
    expect(cp.size).toBe(3);

    const tileRes = await get(`${prefix}/tile/0/000.p/3`, t.key);
    expect(tileRes.status).toBe(200);
    expect(tileRes.headers.get("content-type")).toBe("application/octet-stream");
    expect(tileRes.headers.get("cache-control")).toBe("private, max-age=31536000, immutable");
    const leafHashes = splitHashTile(new Uint8Array(await tileRes.arrayBuffer()), 3);

    const bundleRes = await get(`${prefix}/tile/entries/000.p/3`, t.key);
    expect(bundleRes.status).toBe(200);
    const headers = decodeBundle(new Uint8Array(await bundleRes.arrayBuffer()));
    expect(headers).toHaveLength(3);
    // Each entry hashes to the matching level-0 tile hash, and the tree of them is the checkpoint's.
    headers.forEach((h, i) => expect(hashLeaf(h)).toEqual(leafHashes[i]));
    expect(merkleRoot(leafHashes)).toEqual(cp.rootHash);

    for (const [n, raw] of headers.entries()) {
      const header = JSON.parse(decoder.decode(raw)) as {
        batch: number;
        count: number;
        root: string;
        log: string;
      };
      expect(header.batch).toBe(n);
      const envRes = await get(`${prefix}/envelopes/${String(n).padStart(3, "0")}`, t.key);
      expect(envRes.status).toBe(200);
      const envelopes = decodeBundle(new Uint8Array(await envRes.arrayBuffer()));
      expect(envelopes).toHaveLength(header.count);
      expect(merkleRoot(envelopes.map((e) => hashLeaf(e)))).toEqual(fromHex(header.root));
      expect(JSON.parse(decoder.decode(envelopes[0]!)).log).toBe(header.log);
    }

    const client = new TiledTree(3, async (tile: TileRef & { level: number }) => {
      const res = await get(
        `${prefix}/tile/${tile.level}/${String(tile.index).padStart(3, "0")}${tile.width < 256 ? `.p/${tile.width}` : ""}`,
        t.key,
      );
      expect(res.status).toBe(200);
      return new Uint8Array(await res.arrayBuffer());
    });
    expect(await client.root()).toEqual(cp.rootHash);
  });

  it("answers 404 beyond the tree, 400 for a malformed path, and needs a read key unless tiles are public", async () => {
    const t = await newTenant();
    await sealBatches(t, 1, 2);
    const prefix = `/v1/tiles/${t.id}/0`;
    expect((await get(`${prefix}/tile/0/000.p/2`, t.key)).status).toBe(404);
    expect((await get(`${prefix}/tile/0/000`, t.key)).status).toBe(404);
    expect((await get(`${prefix}/envelopes/001`, t.key)).status).toBe(404);
    const bad = await get(`${prefix}/tile/0/1`, t.key);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("invalid_tile_path");
    expect((await get(`${prefix}/tile/0/000.p/1`)).status).toBe(401);
    expect((await get(`/v1/tiles/${t.id}/1/checkpoint`, t.key)).status).toBe(404);
    const ingestOnly = await newKey(t.id, ["ingest"]);
    expect((await get(`${prefix}/checkpoint`, ingestOnly.key)).status).toBe(403);
    const other = await newTenant();
    expect((await get(`${prefix}/checkpoint`, other.key)).status).toBe(404);

    const bad422 = await call("PUT", `/v1/admin/tenants/${t.id}/open`, {
      token: ADMIN_TOKEN,
      json: { tiles: "everyone", witnesses: [{ vkey: "x", url: "ftp://w" }] },
    });
    expect(bad422.status).toBe(422);
    const details = (
      (await bad422.json()) as { error: { details: Array<{ path: string }> } }
    ).error.details.map((d) => d.path);
    expect(details).toEqual(["/tiles", "/witnesses/0/vkey"]);

    const p = await newTenant();
    const set = await call("PUT", `/v1/admin/tenants/${p.id}/open`, {
      token: p.key,
      json: { tiles: "public" },
    });
    expect(set.status).toBe(200);
    expect(await set.json()).toEqual({ tiles: "public", witnesses: [] });
    await sealBatches(p, 1, 1);
    const open = await get(`/v1/tiles/${p.id}/0/tile/0/000.p/1`);
    expect(open.status).toBe(200);
    expect(open.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect((await get(`/v1/tiles/${p.id}/0/checkpoint`)).status).toBe(200);
  });

  it("reads level-1 tiles from the stored level-8 nodes (a tree of 600 leaves)", async () => {
    const stub = env.LOG_SHARD.getByName(`tiles-unit/${Math.random()}`);
    await runInDurableObject(stub, async (_i, state) => {
      const sql = state.storage.sql;
      sql.exec(SHARD_SCHEMA);
      const store = new TreeStore(sql);
      const leaves = Array.from({ length: 600 }, (_, i) => hashLeaf(utf8(`leaf ${i}`)));
      leaves.forEach((h, i) => store.put(nodesToStoreOnAppend(i, h, store.getNode)));
      const one = readTile(sql, { level: 1, index: 0, width: 2 }, 600);
      expect(one.ok).toBe(true);
      const hashes = splitHashTile((one as { bytes: Uint8Array }).bytes, 2);
      expect(hashes[0]).toEqual(merkleRoot(leaves.slice(0, 256)));
      expect(hashes[1]).toEqual(merkleRoot(leaves.slice(256, 512)));
      expect(readTile(sql, { level: 1, index: 0, width: 3 }, 600).ok).toBe(false);
      const client = new TiledTree(600, async (tile) => {
        const a = readTile(sql, tile, 600);
        if (!a.ok) throw new Error(a.message);
        return a.bytes;
      });
      expect(await client.root()).toEqual(merkleRoot(leaves));
    });
  });
});

import { describe, expect, it } from "vitest";
import {
  hashChildren,
  hashLeaf,
  merkleRoot,
  verifyConsistency,
  verifyInclusion,
} from "../../../src/core/merkle";
import { Frontier, TiledTree, TileRangeError, tilesOfTree, type TileRef } from "../../../src/core/tiles";

/** Tiles built the long way, straight from the spec's definition: entry i of tile (l, n) is MTH(D[(n·256+i)·256^l : (n·256+i+1)·256^l]). */
function tileServer(leaves: Uint8Array[]) {
  const size = leaves.length;
  const served = new Map<string, Uint8Array>();
  for (const t of tilesOfTree(size)) {
    const span = Math.pow(256, t.level as number);
    const hashes: Uint8Array[] = [];
    for (let i = 0; i < t.width; i++) {
      const start = (t.index * 256 + i) * span;
      hashes.push(merkleRoot(leaves.slice(start, start + span)));
    }
    const bytes = new Uint8Array(32 * hashes.length);
    hashes.forEach((h, i) => bytes.set(h, 32 * i));
    served.set(`${t.level}/${t.index}/${t.width}`, bytes);
  }
  const requests: string[] = [];
  const fetchTile = async (t: TileRef & { level: number }) => {
    const key = `${t.level}/${t.index}/${t.width}`;
    requests.push(key);
    const bytes = served.get(key);
    if (!bytes) throw new Error(`tile ${key} does not exist`);
    return bytes;
  };
  return { fetchTile, requests };
}

const leavesOf = (n: number) =>
  Array.from({ length: n }, (_, i) => hashLeaf(new TextEncoder().encode(`entry ${i}`)));

describe("TiledTree: roots and proofs from tiles", () => {
  const all = leavesOf(70_000);

  it.each([1, 2, 255, 256, 257, 511, 512, 65_535, 65_536, 65_537, 70_000])(
    "root of a tree of %i leaves equals MTH",
    async (size) => {
      const leaves = all.slice(0, size);
      const { fetchTile } = tileServer(leaves);
      expect(await new TiledTree(size, fetchTile).root()).toEqual(merkleRoot(leaves));
    },
  );

  it("inclusion proofs from tiles verify against the root", async () => {
    const size = 70_000;
    const { fetchTile } = tileServer(all);
    const tree = new TiledTree(size, fetchTile);
    const root = merkleRoot(all);
    for (const index of [0, 1, 255, 256, 65_535, 65_536, 69_999]) {
      verifyInclusion(all[index]!, index, size, await tree.inclusion(index), root);
    }
  });

  it("consistency proofs from tiles verify between two sizes", async () => {
    const { fetchTile } = tileServer(all.slice(0, 66_000));
    const tree = new TiledTree(66_000, fetchTile);
    const newRoot = merkleRoot(all.slice(0, 66_000));
    for (const from of [1, 7, 256, 300, 65_536, 65_999, 66_000]) {
      verifyConsistency(from, 66_000, merkleRoot(all.slice(0, from)), newRoot, await tree.consistency(from));
    }
  });

  it("a tampered tile gives a root that does not match", async () => {
    const leaves = all.slice(0, 600);
    const { fetchTile } = tileServer(leaves);
    const bad = async (t: TileRef & { level: number }) => {
      const bytes = (await fetchTile(t)).slice();
      if (t.level === 1) bytes[0]! ^= 1;
      return bytes;
    };
    expect(await new TiledTree(600, bad).root()).not.toEqual(merkleRoot(leaves));
  });

  it("refuses nodes past the tree", async () => {
    const { fetchTile } = tileServer(all.slice(0, 10));
    await expect(new TiledTree(10, fetchTile).node(3, 1)).rejects.toThrow(TileRangeError);
  });
});

describe("Frontier", () => {
  it("gives MTH after every append, and resumes from a snapshot", () => {
    const leaves = leavesOf(300);
    const f = new Frontier();
    for (let i = 0; i < 300; i++) {
      f.append(leaves[i]!);
      if ([1, 2, 3, 128, 255, 256, 299].includes(i))
        expect(f.root()).toEqual(merkleRoot(leaves.slice(0, i + 1)));
      if (i === 150) {
        const resumed = new Frontier(151, f.snapshot());
        expect(resumed.root()).toEqual(f.root());
      }
    }
    expect(hashChildren(leaves[0]!, leaves[1]!)).toEqual(merkleRoot(leaves.slice(0, 2)));
    expect(() => new Frontier(3, [{ level: 1, hash: leaves[0]! }])).toThrow(TileRangeError);
  });
});

/**
 * A tiles client's view of one tree size: any perfect node, the root, and RFC 9162 inclusion
 * and consistency proofs, computed from hash tiles fetched through a `TileFetcher`.
 *
 * The core's proof builders (src/core/merkle) ask a synchronous node source for O(log n)
 * perfect nodes. Here each computation runs twice: a first pass records which nodes it reads
 * (the builders never branch on hash values, only on sizes and indexes), then those tiles are
 * fetched in parallel, and the second pass computes with the real hashes.
 */
import {
  consistencyProof,
  hashChildren,
  inclusionProof,
  rootFromNodes,
  subtreeHashFromNodes,
  type GetNode,
} from "../merkle";
import { TileRangeError } from "./errors";
import { splitHashTile } from "./bundle";
import { locateNode } from "./layout";
import { formatTilePath, type TileRef } from "./path";

/**
 * Fetches the bytes of one hash tile. Implementations may serve a wider tile of the same index
 * (a full one for a partial): `TiledTree` only reads the first `width` hashes.
 */
export type TileFetcher = (tile: TileRef & { level: number }) => Promise<Uint8Array>;

const PLACEHOLDER = new Uint8Array(32);

export class TiledTree {
  private readonly tiles = new Map<string, Promise<Uint8Array[]>>();

  /** Precondition: `size` is the size of a verified checkpoint (so its partial tiles exist). */
  constructor(
    readonly size: number,
    private readonly fetchTile: TileFetcher,
  ) {}

  /** Perfect node (treeLevel, nodeIndex): the fold of the 2^(treeLevel mod 8) tile hashes under it. */
  async node(treeLevel: number, nodeIndex: number): Promise<Uint8Array> {
    const at = locateNode(this.size, treeLevel, nodeIndex);
    const hashes = await this.tile(at.tile);
    let level = hashes.slice(at.offset, at.offset + at.count);
    while (level.length > 1) {
      const up: Uint8Array[] = [];
      for (let i = 0; i < level.length; i += 2) up.push(hashChildren(level[i]!, level[i + 1]!));
      level = up;
    }
    return level[0]!;
  }

  /** MTH of the whole tree (RFC 9162 §2.1.1). */
  root(): Promise<Uint8Array> {
    return this.compute((get) => rootFromNodes(this.size, get));
  }

  /** PATH(index, D[size]) (RFC 9162 §2.1.3.1). */
  inclusion(index: number): Promise<Uint8Array[]> {
    return this.compute((get) => inclusionProof(index, this.size, (s, e) => subtreeHashFromNodes(s, e, get)));
  }

  /** PROOF(from, D[size]) (RFC 9162 §2.1.4.1); precondition 0 < from ≤ size. */
  consistency(from: number): Promise<Uint8Array[]> {
    if (from > this.size) {
      throw new TileRangeError("consistency proof to a smaller tree", `from <= ${this.size}`, String(from));
    }
    return this.compute((get) =>
      consistencyProof(from, this.size, (s, e) => subtreeHashFromNodes(s, e, get)),
    );
  }

  private async compute<T>(run: (get: GetNode) => T): Promise<T> {
    const wanted = new Map<string, [number, number]>();
    run((level, index) => {
      wanted.set(`${level}/${index}`, [level, index]);
      return PLACEHOLDER;
    });
    const got = new Map<string, Uint8Array>();
    await Promise.all(
      [...wanted].map(async ([key, [level, index]]) => got.set(key, await this.node(level, index))),
    );
    return run((level, index) => got.get(`${level}/${index}`)!);
  }

  private tile(ref: TileRef & { level: number }): Promise<Uint8Array[]> {
    const key = formatTilePath(ref);
    let hit = this.tiles.get(key);
    if (!hit) {
      hit = this.fetchTile(ref).then((bytes) =>
        splitHashTile(bytes.subarray(0, Math.min(bytes.length, ref.width * 32)), ref.width),
      );
      this.tiles.set(key, hit);
      hit.catch(() => this.tiles.delete(key));
    }
    return hit;
  }
}

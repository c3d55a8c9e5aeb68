/**
 * Which tiles a tree of a given size is made of (c2sp.org/tlog-tiles, "Merkle Tree" and
 * "Partial Tiles"), and where each perfect subtree of the tree lives in them.
 *
 * Tile n at level l holds MTH(D[(n·256 + i)·256^l : (n·256 + i + 1)·256^l]) for i in 0..255:
 * entry i of tile (l, n) is the perfect node at tree level 8·l with index n·256 + i.
 */
import { TileRangeError } from "./errors";
import { TILE_HEIGHT, TILE_WIDTH, type TileRef } from "./path";

/** 256^level as an exact safe integer (level ≤ 6 keeps it below 2^53). */
function tileSpan(level: number): number {
  return Math.pow(TILE_WIDTH, level);
}

/** Hashes at tile level `level` in a tree of `size` leaves: floor(size / 256^level). */
export function levelWidth(size: number, level: number): number {
  return Math.floor(size / tileSpan(level));
}

/**
 * The width of tile (level, index) in a tree of `size` leaves: 256 for a full tile, the
 * partial width floor(size / 256^l) mod 256 for the rightmost one, 0 when the tree has none.
 */
export function tileWidth(size: number, level: number, index: number): number {
  const hashes = levelWidth(size, level);
  const full = Math.floor(hashes / TILE_WIDTH);
  if (index < full) return TILE_WIDTH;
  if (index === full) return hashes % TILE_WIDTH;
  return 0;
}

/**
 * Every hash tile of a tree of `size` leaves, level by level, full tiles then the partial one
 * ("Empty tiles MUST NOT be served", so a level ends where its hashes do).
 */
export function tilesOfTree(size: number): TileRef[] {
  const out: TileRef[] = [];
  for (let level = 0; levelWidth(size, level) > 0; level++) {
    const hashes = levelWidth(size, level);
    for (let index = 0; index * TILE_WIDTH < hashes; index++) {
      out.push({ level, index, width: Math.min(TILE_WIDTH, hashes - index * TILE_WIDTH) });
    }
  }
  return out;
}

/** The entry bundles of a tree of `size` leaves (same indexes and widths as level 0). */
export function bundlesOfTree(size: number): TileRef[] {
  return tilesOfTree(size)
    .filter((t) => t.level === 0)
    .map((t) => ({ level: "entries", index: t.index, width: t.width }));
}

/** Where perfect node (treeLevel, nodeIndex) is: a tile and the span of its hashes to fold. */
export interface NodeLocation {
  /** The tile to read, with the width the tree of the given size has for it. */
  readonly tile: TileRef & { level: number };
  /** First tile hash under the node, and how many (2^(treeLevel mod 8)). */
  readonly offset: number;
  readonly count: number;
}

/**
 * The tile that holds perfect node (treeLevel, nodeIndex) of a tree of `size` leaves. The node
 * spans 2^r hashes of tile level floor(treeLevel / 8), r = treeLevel mod 8; since 2^r divides
 * 256 they never straddle two tiles.
 *
 * @throws TileRangeError when the node is not complete in a tree of `size` leaves.
 */
export function locateNode(size: number, treeLevel: number, nodeIndex: number): NodeLocation {
  const leaves = Math.pow(2, treeLevel);
  if (!Number.isSafeInteger(nodeIndex) || nodeIndex < 0 || (nodeIndex + 1) * leaves > size) {
    throw new TileRangeError(
      `perfect node (${treeLevel}, ${nodeIndex}) is not complete in the tree`,
      `(index + 1) · 2^level <= ${size}`,
      String((nodeIndex + 1) * leaves),
    );
  }
  const level = Math.floor(treeLevel / TILE_HEIGHT);
  const count = Math.pow(2, treeLevel - level * TILE_HEIGHT);
  const first = nodeIndex * count;
  const index = Math.floor(first / TILE_WIDTH);
  return {
    tile: { level, index, width: tileWidth(size, level, index) },
    offset: first - index * TILE_WIDTH,
    count,
  };
}

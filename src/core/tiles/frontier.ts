/**
 * The right edge of a tree: the perfect nodes whose leaves make up [0, size), largest first
 * (one per 1 bit of size). Enough to append leaves and get every later root without the
 * earlier leaves, which is what lets an audit continue from a saved state (RFC 9162 §2.1.1:
 * MTH is the right fold of these nodes).
 */
import { EMPTY_ROOT, hashChildren } from "../merkle";
import { TileRangeError } from "./errors";

export interface FrontierNode {
  /** Tree level: the node covers 2^level leaves. */
  readonly level: number;
  readonly hash: Uint8Array;
}

export class Frontier {
  private readonly nodes: FrontierNode[];
  private count: number;

  /**
   * Precondition: `nodes` is the frontier of a tree of `size` leaves (levels strictly
   * decreasing, one per 1 bit of `size`).
   *
   * @throws TileRangeError when the levels do not match `size`.
   */
  constructor(size = 0, nodes: readonly FrontierNode[] = []) {
    const expected: number[] = [];
    for (let level = 52; level >= 0; level--)
      if (Math.floor(size / Math.pow(2, level)) % 2 === 1) expected.push(level);
    const found = nodes.map((n) => n.level);
    if (expected.join(",") !== found.join(",")) {
      throw new TileRangeError(
        `frontier does not fit a tree of ${size} leaves`,
        `levels [${expected.join(",")}]`,
        `[${found.join(",")}]`,
      );
    }
    this.nodes = [...nodes];
    this.count = size;
  }

  get size(): number {
    return this.count;
  }

  /** Appends one leaf hash (RFC 9162 §2.1.1 leaf hash, not the entry). */
  append(leafHash: Uint8Array): void {
    let node: FrontierNode = { level: 0, hash: leafHash };
    while (this.nodes.length > 0 && this.nodes[this.nodes.length - 1]!.level === node.level) {
      const left = this.nodes.pop()!;
      node = { level: node.level + 1, hash: hashChildren(left.hash, node.hash) };
    }
    this.nodes.push(node);
    this.count++;
  }

  /** MTH of the leaves so far. */
  root(): Uint8Array {
    if (this.nodes.length === 0) return EMPTY_ROOT.slice();
    let hash = this.nodes[this.nodes.length - 1]!.hash;
    for (let i = this.nodes.length - 2; i >= 0; i--) hash = hashChildren(this.nodes[i]!.hash, hash);
    return hash;
  }

  snapshot(): FrontierNode[] {
    return this.nodes.map((n) => ({ level: n.level, hash: n.hash.slice() }));
  }
}

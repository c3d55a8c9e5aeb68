/**
 * The right edge of an RFC 9162 Merkle tree grown one leaf at a time: the roots of its perfect
 * subtrees, at most ⌊log2 n⌋ + 1 hashes. That is all an auditor must keep to know the tree
 * hash after every append, whatever the log's size.
 */
import { EMPTY_ROOT } from "../merkle";

export class CompactRange {
  /** Perfect subtree roots, largest (leftmost) first; levels strictly decrease. */
  private readonly nodes: { level: number; hash: Uint8Array }[] = [];
  private count = 0;
  private readonly hashChildren: (left: Uint8Array, right: Uint8Array) => Uint8Array;

  /** `hashChildren`: RFC 9162 §2.1.1 interior node hash, e.g. an `AuditHasher`'s. */
  constructor(hashChildren: (left: Uint8Array, right: Uint8Array) => Uint8Array) {
    this.hashChildren = hashChildren;
  }

  get size(): number {
    return this.count;
  }

  /** Appends the leaf hash of leaf `size`, merging equal-sized perfect subtrees (RFC 9162 §2.1.1). */
  append(leafHash: Uint8Array): void {
    let node = { level: 0, hash: leafHash };
    for (let top = this.nodes.at(-1); top && top.level === node.level; top = this.nodes.at(-1)) {
      this.nodes.pop();
      node = { level: node.level + 1, hash: this.hashChildren(top.hash, node.hash) };
    }
    this.nodes.push(node);
    this.count++;
  }

  /**
   * MTH of the leaves so far. The RFC splits n leaves at the largest power of two below n, so
   * the root is the right fold of the perfect subtrees: H(p1, H(p2, … H(pk−1, pk))).
   */
  root(): Uint8Array {
    if (this.nodes.length === 0) return EMPTY_ROOT.slice();
    let hash = this.nodes.at(-1)!.hash;
    for (let i = this.nodes.length - 2; i >= 0; i--) hash = this.hashChildren(this.nodes[i]!.hash, hash);
    return hash;
  }
}

import { concatBytes } from "../core/bytes";

/**
 * Reads and writes the log tree's perfect nodes (RFC 9162 subtrees of 2^level leaves). Any
 * subtree hash, and so any proof, needs O(log n) of them: the log is never rehashed.
 */
export class TreeStore {
  constructor(private readonly sql: SqlStorage) {}

  /** Precondition: node (level, index) is complete in the current tree. */
  readonly getNode = (level: number, index: number): Uint8Array => {
    const row = this.sql
      .exec<{ hash: ArrayBuffer }>("SELECT hash FROM tree_nodes WHERE level = ? AND idx = ?", level, index)
      .toArray()[0];
    if (!row) throw new Error(`log tree node (${level}, ${index}) is missing from storage`);
    return new Uint8Array(row.hash);
  };

  put(nodes: ReadonlyArray<{ level: number; index: number; hash: Uint8Array }>): void {
    for (const n of nodes) {
      this.sql.exec("INSERT INTO tree_nodes (level, idx, hash) VALUES (?, ?, ?)", n.level, n.index, n.hash);
    }
  }
}

/** Leaf hashes of a batch are kept as one blob of 32-byte hashes, in leaf order. */
export function packHashes(hashes: readonly Uint8Array[]): Uint8Array {
  return concatBytes(...hashes);
}

export function unpackHashes(blob: ArrayBuffer | Uint8Array): Uint8Array[] {
  const bytes = blob instanceof Uint8Array ? blob : new Uint8Array(blob);
  const out: Uint8Array[] = [];
  for (let off = 0; off < bytes.length; off += 32) out.push(bytes.subarray(off, off + 32));
  return out;
}

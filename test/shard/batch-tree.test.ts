import { describe, expect, it } from "vitest";
import {
  hashLeaf,
  inclusionProof,
  merkleRoot,
  subtreeHashFromNodes,
  subtreeHashesFromLeaves,
} from "../../src/core/merkle";
import {
  batchNodes,
  packUpperLevels,
  perfectLevels,
  rootOfLevels,
  STORED_FROM_LEVEL,
} from "../../src/shard/batch-tree";
import { packHashes, unpackHashes } from "../../src/shard/tree-store";

describe("stored batch trees", () => {
  for (const count of [1, 2, 3, 7, 8, 9, 100, 255, 256, 257, 1000]) {
    it(`give the RFC 9162 root and every inclusion proof for ${count} leaves`, () => {
      const leaves = Array.from({ length: count }, (_, i) => hashLeaf(new TextEncoder().encode(`leaf ${i}`)));
      const levels = perfectLevels(leaves);
      expect(rootOfLevels(levels, count)).toEqual(merkleRoot(leaves));
      const upper = packUpperLevels(levels);
      // Only levels from STORED_FROM_LEVEL up are stored: about count / 2^(L-1) hashes.
      expect(upper.length).toBeLessThanOrEqual((count / 2 ** (STORED_FROM_LEVEL - 1)) * 32);
      const stored = unpackHashes(packHashes(leaves));
      const asked = new Set<number>();
      const nodes = batchNodes(
        (i) => {
          asked.add(i);
          return stored[i]!;
        },
        upper,
        count,
      );
      const reference = subtreeHashesFromLeaves(leaves);
      for (let i = 0; i < count; i += Math.max(1, Math.floor(count / 37))) {
        asked.clear();
        const fromStore = inclusionProof(i, count, (s, e) => subtreeHashFromNodes(s, e, nodes));
        expect(fromStore).toEqual(inclusionProof(i, count, reference));
        // A proof hashes only the leaves below the stored levels on its path: the leaf's own
        // group and at most one ragged group at the right edge, never the whole batch.
        expect(asked.size).toBeLessThanOrEqual(Math.min(count, 2 * 2 ** STORED_FROM_LEVEL));
      }
    });
  }
});

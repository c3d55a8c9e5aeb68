import { describe, expect, it } from "vitest";
import { bytesEqual, toHex } from "../../../src/core/bytes";
import {
  EMPTY_ROOT,
  LEAF_HASH_PREFIX,
  NODE_HASH_PREFIX,
  consistencyProof,
  hashChildren,
  hashLeaf,
  inclusionProof,
  merkleRoot,
  rootFromInclusionProof,
  rootFromNodes,
  subtreeHashesFromLeaves,
  verifyConsistency,
  verifyInclusion,
} from "../../../src/core/merkle";
import { consistencyVectors, inclusionVectors, leafData, leafHashes, roots } from "./fixtures";

const hex = (list: Uint8Array[]) => list.map(toHex);

describe("RFC 9162 vectors", () => {
  it("covers the eight standard leaves, roots 0..8, every inclusion and consistency pair", () => {
    expect(leafData).toHaveLength(8);
    expect(roots).toHaveLength(9);
    expect(inclusionVectors).toHaveLength(36); // sum of sizes 1..8
    expect(consistencyVectors).toHaveLength(36); // pairs 1 <= from <= to <= 8
  });

  it("domain-separation prefixes are 0x00 for leaves and 0x01 for nodes (§2.1.1)", () => {
    expect(LEAF_HASH_PREFIX).toBe(0x00);
    expect(NODE_HASH_PREFIX).toBe(0x01);
  });

  it("hashes every leaf to the vector's leaf hash", () => {
    leafData.forEach((data, i) => expect(toHex(hashLeaf(data))).toBe(toHex(leafHashes[i]!)));
  });

  it("hashes children as SHA-256(0x01 || left || right)", () => {
    expect(toHex(hashChildren(leafHashes[0]!, leafHashes[1]!))).toBe(toHex(roots[2]!));
  });

  it("EMPTY_ROOT is SHA-256 of the empty string and the root of size 0", () => {
    expect(toHex(EMPTY_ROOT)).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(toHex(roots[0]!)).toBe(toHex(EMPTY_ROOT));
    expect(toHex(merkleRoot([]))).toBe(toHex(EMPTY_ROOT));
  });

  it("merkleRoot of the empty list is a copy, so mutating it cannot corrupt EMPTY_ROOT", () => {
    const r = merkleRoot([]);
    r[0] = r[0]! ^ 0xff;
    expect(toHex(EMPTY_ROOT)).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it("a leaf whose data is two child hashes does not hash to their parent", () => {
    const children = new Uint8Array([...leafHashes[0]!, ...leafHashes[1]!]);
    expect(bytesEqual(hashLeaf(children), hashChildren(leafHashes[0]!, leafHashes[1]!))).toBe(false);
  });

  for (let n = 0; n <= 8; n++) {
    it(`root of the first ${n} leaves`, () => {
      const prefix = leafHashes.slice(0, n);
      expect(toHex(merkleRoot(prefix))).toBe(toHex(roots[n]!));
      const hashes = subtreeHashesFromLeaves(prefix);
      expect(toHex(n === 0 ? merkleRoot([]) : hashes(0, n))).toBe(toHex(roots[n]!));
      const store = subtreeHashesFromLeaves(leafHashes);
      expect(
        toHex(rootFromNodes(n, (level, index) => store(index * 2 ** level, (index + 1) * 2 ** level))),
      ).toBe(toHex(roots[n]!));
    });
  }

  const all = subtreeHashesFromLeaves(leafHashes);
  for (const v of inclusionVectors) {
    it(`inclusion of leaf ${v.index} in size ${v.size}: builds and verifies`, () => {
      expect(hex(inclusionProof(v.index, v.size, all))).toEqual(hex(v.path));
      expect(
        hex(inclusionProof(v.index, v.size, subtreeHashesFromLeaves(leafHashes.slice(0, v.size)))),
      ).toEqual(hex(v.path));
      expect(toHex(rootFromInclusionProof(leafHashes[v.index]!, v.index, v.size, v.path))).toBe(
        toHex(roots[v.size]!),
      );
      expect(() =>
        verifyInclusion(leafHashes[v.index]!, v.index, v.size, v.path, roots[v.size]!),
      ).not.toThrow();
    });
  }

  for (const v of consistencyVectors) {
    it(`consistency from ${v.from} to ${v.to}: builds and verifies`, () => {
      expect(hex(consistencyProof(v.from, v.to, all))).toEqual(hex(v.path));
      expect(() => verifyConsistency(v.from, v.to, roots[v.from]!, roots[v.to]!, v.path)).not.toThrow();
    });
  }
});

/**
 * The contenders of the Merkle figure, shared by Node (figures/merkle.ts) and workerd
 * (bench/worker, with nodejs_compat for node:crypto and Buffer): edgelog's src/core/merkle,
 * merkletreejs with two hash functions, and the floor of bare SHA-256 calls.
 */
import { Buffer } from "node:buffer";
import { createHash, randomBytes } from "node:crypto";
import { MerkleTree } from "merkletreejs";
import { bytesEqual, toHex } from "../../src/core/bytes";
import { hashLeaf, inclusionProof, merkleRoot, subtreeHashesFromLeaves } from "../../src/core/merkle";

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

export const nodeSha256 = (data: Buffer): Buffer => createHash("sha256").update(data).digest();
/** RFC 9162 interior-node input: merkletreejs lets the concatenator add the 0x01 prefix. */
const rfcConcatenator = (inputs: Buffer[]): Buffer => Buffer.concat([NODE_PREFIX, ...inputs]);
const TREE_OPTIONS = {
  hashLeaves: true,
  concatenator: rfcConcatenator,
  sortPairs: false,
  sortLeaves: false,
  duplicateOdd: false,
};

export interface Inputs {
  /** Leaf data: 32 random bytes each, the size of an event digest. */
  leaves: Uint8Array[];
  /** 0x00 || leaf, the input merkletreejs hashes as a leaf. */
  prefixedLeaves: Buffer[];
  /** The floor's inputs: n distinct 33-byte and n − 1 distinct 65-byte buffers. */
  floorLeafInputs: Buffer[];
  floorNodeInputs: Buffer[];
}

export function makeInputs(n: number): Inputs {
  const leaves = Array.from({ length: n }, () => new Uint8Array(randomBytes(32)));
  return {
    leaves,
    prefixedLeaves: leaves.map((l) => Buffer.concat([LEAF_PREFIX, l])),
    floorLeafInputs: leaves.map((l) => Buffer.concat([LEAF_PREFIX, l])),
    floorNodeInputs: Array.from({ length: n - 1 }, () => Buffer.concat([NODE_PREFIX, randomBytes(64)])),
  };
}

export const edgelogRoot = (inp: Inputs) => merkleRoot(inp.leaves.map(hashLeaf));

export function edgelogProofs(inp: Inputs): Uint8Array[][] {
  const leafHashes = inp.leaves.map(hashLeaf);
  const hashes = subtreeHashesFromLeaves(leafHashes);
  return leafHashes.map((_, i) => inclusionProof(i, leafHashes.length, hashes));
}

type HashFn = ((data: Buffer) => Buffer) | undefined;

export const mtjsRoot = (inp: Inputs, hashFn: HashFn) =>
  new MerkleTree(inp.prefixedLeaves, hashFn, TREE_OPTIONS).getRoot();

export function mtjsProofs(inp: Inputs, hashFn: HashFn): Buffer[][] {
  const tree = new MerkleTree(inp.prefixedLeaves, hashFn, TREE_OPTIONS);
  const leaves = tree.getLeaves();
  return leaves.map((leaf, i) => tree.getProof(leaf, i).map((p) => p.data));
}

export function floor(inp: Inputs): Buffer {
  let last: Buffer = Buffer.alloc(0);
  for (const b of inp.floorLeafInputs) last = nodeSha256(b);
  for (const b of inp.floorNodeInputs) last = nodeSha256(b);
  return last;
}

/** Refuses to time implementations that do not compute the same RFC 9162 tree. */
export function checkAgreement(inp: Inputs): void {
  const n = inp.leaves.length;
  const root = edgelogRoot(inp);
  for (const [name, fn] of [
    ["node:crypto", nodeSha256],
    ["default hash", undefined],
  ] as const) {
    const other = new Uint8Array(mtjsRoot(inp, fn));
    if (!bytesEqual(root, other))
      throw new Error(
        `merkletreejs (${name}) root ${toHex(other)} differs from RFC 9162 root ${toHex(root)}`,
      );
  }
  const ours = edgelogProofs(inp);
  const theirs = mtjsProofs(inp, nodeSha256);
  for (const i of [0, Math.floor(n / 2), n - 1]) {
    const a = ours[i]!.map(toHex).join();
    const b = theirs[i]!.map((x) => toHex(new Uint8Array(x))).join();
    if (a !== b) throw new Error(`inclusion proof of leaf ${i} differs between edgelog and merkletreejs`);
  }
}

export const EDGELOG = "edgelog";
export const MTJS_NODE = "merkletreejs + node:crypto";
export const MTJS_DEFAULT = "merkletreejs (default crypto-js SHA-256)";
export const FLOOR = "floor: 2n−1 node:crypto SHA-256";
export const CONTENDERS = [EDGELOG, MTJS_NODE, MTJS_DEFAULT, FLOOR] as const;
export type MerkleTask = "root" | "proofs";

/** The function timed for `contender` doing `task` over `inp`. */
export function merkleTask(task: MerkleTask, contender: string, inp: Inputs): () => unknown {
  switch (contender) {
    case EDGELOG:
      return task === "root" ? () => edgelogRoot(inp) : () => edgelogProofs(inp);
    case MTJS_NODE:
      return task === "root" ? () => mtjsRoot(inp, nodeSha256) : () => mtjsProofs(inp, nodeSha256);
    case MTJS_DEFAULT:
      return task === "root" ? () => mtjsRoot(inp, undefined) : () => mtjsProofs(inp, undefined);
    case FLOOR:
      return () => floor(inp);
    default:
      throw new Error(`unknown Merkle contender '${contender}'`);
  }
}

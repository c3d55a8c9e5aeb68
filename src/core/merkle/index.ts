/** RFC 9162 Merkle trees: hashing, roots, subtree sources, proof building and verifying. */
export { EMPTY_ROOT, HASH_SIZE, LEAF_HASH_PREFIX, NODE_HASH_PREFIX, hashChildren, hashLeaf } from "./hash";
export { hashLeavesNative } from "./hash-native";
export { isPowerOfTwo, largestPowerOfTwoBelow, merkleRoot, smallestPowerOfTwoAtLeast } from "./tree";
export {
  nodesToStoreOnAppend,
  rootFromNodes,
  subtreeHashFromNodes,
  subtreeHashesFromLeaves,
  subtreeHashesFromNodes,
  type GetNode,
  type PerfectNode,
  type SubtreeHashes,
} from "./subtree";
export {
  checkConsistencyArgs,
  checkInclusionArgs,
  consistencyProofLength,
  inclusionProofLength,
} from "./proof-shape";
export { consistencyProof, inclusionProof } from "./proof-build";
export { rootFromInclusionProof, verifyConsistency, verifyInclusion } from "./proof-verify";
export {
  HashLengthError,
  IndexOutOfRangeError,
  MerkleRangeError,
  ProofLengthError,
  RootMismatchError,
} from "./errors";

/**
 * Errors of the Merkle module. Caller mistakes (asking for a proof that cannot exist) are
 * `MerkleRangeError`s; a proof or root that does not check out is a `VerificationError`.
 */
import { toHex } from "../bytes";
import { VerificationError } from "../errors";

/** A size, index or range argument outside the domain the RFC defines the operation on. */
export class MerkleRangeError extends RangeError {
  readonly expected: string;
  readonly found: string;
  constructor(message: string, expected: string, found: string) {
    super(`${message} (expected ${expected}, found ${found})`);
    this.name = new.target.name;
    this.expected = expected;
    this.found = found;
  }
}

/** A proof claims a leaf index or tree size that cannot occur (e.g. index >= size). */
export class IndexOutOfRangeError extends VerificationError {}

/** A proof has more or fewer elements than its sizes and index call for. */
export class ProofLengthError extends VerificationError {
  readonly expectedLength: number;
  readonly foundLength: number;
  constructor(expectedLength: number, foundLength: number) {
    super("wrong number of proof elements", String(expectedLength), String(foundLength));
    this.expectedLength = expectedLength;
    this.foundLength = foundLength;
  }
}

/** A hash (leaf, root or proof element) that is not `HASH_SIZE` bytes long. */
export class HashLengthError extends VerificationError {}

/** The root recomputed from a proof differs from the root it was checked against. */
export class RootMismatchError extends VerificationError {
  /** `which` names the root, e.g. "root" or "new tree root". Hex in `expected`/`found`. */
  constructor(which: string, expected: Uint8Array, calculated: Uint8Array) {
    super(`${which} does not match the proof`, toHex(expected), toHex(calculated));
  }
  /** Lowercase hex of the root the proof leads to (same as `found`). */
  get calculated(): string {
    return this.found;
  }
}

/**
 * Errors of the signed-note and checkpoint layer. Each carries what was expected and what was
 * found (see `VerificationError`), so a verifier can report which key, line or field was wrong.
 */
import { VerificationError } from "../errors";

/** A key name, verifier key (vkey) or signing key that does not have the required form. */
export class MalformedKeyError extends VerificationError {}

/**
 * A vkey whose key ID is not the one its name and public key hash to (C2SP signed-note,
 * "Signatures"). `expected` is the computed ID, `found` the one written in the vkey.
 */
export class KeyIdMismatchError extends VerificationError {}

/** A note that breaks the C2SP signed-note format rules (also raised when signing bad text). */
export class MalformedNoteError extends VerificationError {}

/**
 * A signature whose key name and ID match a known key but which does not verify: the text or
 * the signature was altered, or another key produced it. `expected` names the key.
 */
export class SignatureMismatchError extends VerificationError {}

/**
 * No signature in the note comes from a known key (C2SP signed-note: clients MUST reject such a
 * note). `expected` lists the known keys, `found` the keys that signed.
 */
export class UnknownKeyError extends VerificationError {}

/** A note text that is not a C2SP tlog-checkpoint body. */
export class MalformedCheckpointError extends VerificationError {}

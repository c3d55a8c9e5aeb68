/**
 * Verifies an event proof document (as `GET /v1/events/{id}` returns it) with the core's
 * `verifyEventProof`, and names the step that failed. The core checks in a fixed order
 * (envelope → event digest → batch inclusion → checkpoint signature → checkpoint → log
 * inclusion); whether the signature was reached tells apart the two inclusion proofs, whose
 * Merkle errors are of the same types.
 */
import { CanonicalJsonError } from "../core/canonical";
import {
  MalformedProofError,
  OriginalMismatchError,
  ProofMismatchError,
  verifyEventProof,
  verifyOriginalEvent,
  type EventProofDocument,
  type VerificationStep,
} from "../core/event-proof";
import {
  MalformedCheckpointError,
  MalformedNoteError,
  SignatureMismatchError,
  UnknownKeyError,
  type NoteVerifier,
} from "../core/note";
import { VerificationError } from "../core/errors";
import { CheckFailedError } from "./errors";
import { baseMessage } from "./verification";

/** Steps of the core's check whose failures are told apart by their message. */
const MISMATCH_STEPS: ReadonlyArray<[RegExp, string]> = [
  [/^envelope digest/, "envelope"],
  [/^event body/, "event digest"],
  [/^batch belongs|^leaf index|^batch root/, "batch inclusion"],
  [/^batch number/, "batch header"],
  [/^checkpoint/, "checkpoint"],
];

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** The document's shape, checked before the core runs, so a wrong file gets a clear message. */
export function asProofDocument(doc: unknown): EventProofDocument {
  const bad = (expected: string, found: string) =>
    new CheckFailedError("proof document", "not an event proof document", expected, found);
  if (!isRecord(doc))
    throw bad("a JSON object {envelope, event, proof}", Array.isArray(doc) ? "an array" : typeof doc);
  if (!isRecord(doc.envelope))
    throw bad("an 'envelope' object", doc.envelope === undefined ? "no envelope" : typeof doc.envelope);
  if (doc.proof === undefined) throw bad("a 'proof' field", "no proof field");
  if (doc.proof !== null) {
    const p = doc.proof;
    const ok =
      isRecord(p) &&
      isRecord(p.batch) &&
      Array.isArray(p.batch_path) &&
      Array.isArray(p.log_path) &&
      typeof p.checkpoint === "string" &&
      typeof p.leaf_index === "number" &&
      typeof p.batch_index === "number" &&
      typeof p.tree_size === "number";
    if (!ok)
      throw bad(
        "proof {batch, leaf_index, batch_path[], batch_index, tree_size, log_path[], checkpoint}",
        JSON.stringify(p).slice(0, 120),
      );
  }
  return doc as unknown as EventProofDocument;
}

/** Verifies `doc` against `verifier`; throws `CheckFailedError` naming the failed step. */
export async function checkEventProof(doc: unknown, verifier: NoteVerifier): Promise<VerificationStep[]> {
  const proofDoc = asProofDocument(doc);
  let signatureReached = false;
  const tracked: NoteVerifier = {
    name: verifier.name,
    keyId: verifier.keyId,
    verify(message, signature) {
      signatureReached = true;
      return verifier.verify(message, signature);
    },
  };
  const seq = proofDoc.envelope.seq;
  const where = { seq: typeof seq === "number" ? seq : String(seq), id: String(proofDoc.envelope.id) };
  const unchecked = bodyNotCheckable(proofDoc);
  try {
    // A masked body is checked too: with its removed members put back as their commitments it
    // is the committed form the id hashes (src/core/commitment.ts).
    const steps = await verifyEventProof(unchecked ? { ...proofDoc, event: null } : proofDoc, tracked);
    if (unchecked) steps.splice(1, 0, { step: "event digest", detail: `not checked: ${unchecked.reason}` });
    return steps;
  } catch (err) {
    const step = stepOf(err, signatureReached);
    if (err instanceof VerificationError) {
      throw new CheckFailedError(step, baseMessage(err), err.expected, err.found, where, { cause: err });
    }
    if (err instanceof CanonicalJsonError) {
      throw new CheckFailedError(step, err.message, err.expected, err.found, where, { cause: err });
    }
    if (err instanceof RangeError) {
      throw new CheckFailedError(
        step,
        `malformed hash: ${err.message}`,
        "lowercase hex of 32 bytes",
        err.message,
        where,
        { cause: err },
      );
    }
    throw err;
  }
}

/**
 * Checks that `original` is the event the (already verified) proof document's envelope was
 * made for; throws `CheckFailedError` at step "original event" otherwise.
 */
export async function checkOriginal(
  original: unknown,
  doc: unknown,
  maskKey: Uint8Array | null,
): Promise<VerificationStep> {
  const proofDoc = asProofDocument(doc);
  try {
    return await verifyOriginalEvent(original, proofDoc.envelope, maskKey);
  } catch (err) {
    if (err instanceof OriginalMismatchError || err instanceof CanonicalJsonError) {
      throw new CheckFailedError("original event", baseMessage(err), err.expected, err.found, {
        id: String(proofDoc.envelope.id),
      });
    }
    throw err;
  }
}

/** Why the retained content cannot be checked against the envelope's digest, if it cannot. */
function bodyNotCheckable(doc: EventProofDocument): { reason: string } | null {
  const env = doc.envelope;
  if (doc.event === null || doc.event === undefined) return { reason: "no body retained or returned" };
  if (env.retained === "projection") return { reason: "only the DES required-field projection is retained" };
  return null;
}

function stepOf(err: unknown, signatureReached: boolean): string {
  if (err instanceof MalformedProofError || err instanceof CanonicalJsonError) return "proof document";
  if (err instanceof ProofMismatchError) {
    const found = MISMATCH_STEPS.find(([re]) => re.test(err.message));
    if (found) return found[1];
  }
  if (err instanceof MalformedCheckpointError) return "checkpoint";
  // Everything from opening the note on, until it verified, is the signature step; Merkle
  // errors before it come from the batch path, after it from the log path.
  if (signatureReached)
    return err instanceof ProofMismatchError
      ? "checkpoint"
      : isNoteError(err)
        ? "checkpoint signature"
        : "log inclusion";
  return isNoteError(err) ? "checkpoint signature" : "batch inclusion";
}

function isNoteError(err: unknown): boolean {
  return (
    err instanceof SignatureMismatchError ||
    err instanceof UnknownKeyError ||
    err instanceof MalformedNoteError
  );
}

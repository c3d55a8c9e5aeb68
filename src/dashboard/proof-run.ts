/**
 * Runs the core's event-proof verification (`verifyEventProof`) and turns its outcome into
 * what the lookup panel shows: the steps checked, or the failure with expected and found.
 */
import { VerificationError } from "../core/errors";
import { verifyEventProof, type EventProofDocument, type VerificationStep } from "../core/event-proof";
import {
  MalformedCheckpointError,
  MalformedNoteError,
  SignatureMismatchError,
  UnknownKeyError,
  type NoteVerifier,
} from "../core/note";

/**
 * Where in the chain envelope → batch root → signed checkpoint → log root a check failed
 * ("log key": the log's verifier key could not be had, so nothing was checked).
 */
export type ProofStage = "log key" | "envelope and batch" | "checkpoint signature" | "log inclusion";

export interface ProofFailure {
  stage: ProofStage;
  message: string;
  /** Present for VerificationError failures: the value the proof should have had, and the one found. */
  expected?: string;
  found?: string;
}

export type ProofOutcome = { ok: true; steps: VerificationStep[] } | { ok: false; failure: ProofFailure };

/**
 * Verifies `doc` with `verifier`. The failing stage is told apart without reading messages:
 * note-layer errors belong to the checkpoint signature; any other failure after the log key
 * accepted the signature belongs to the log inclusion; before it, to the envelope and batch.
 */
export async function runEventProof(doc: EventProofDocument, verifier: NoteVerifier): Promise<ProofOutcome> {
  let signatureAccepted = false;
  const observed: NoteVerifier = {
    name: verifier.name,
    keyId: verifier.keyId,
    async verify(message, signature) {
      const ok = await verifier.verify(message, signature);
      if (ok) signatureAccepted = true;
      return ok;
    },
  };
  try {
    return { ok: true, steps: await verifyEventProof(doc, observed) };
  } catch (err) {
    const noteLayer =
      err instanceof MalformedNoteError ||
      err instanceof SignatureMismatchError ||
      err instanceof UnknownKeyError ||
      err instanceof MalformedCheckpointError;
    const stage: ProofStage = noteLayer
      ? "checkpoint signature"
      : signatureAccepted
        ? "log inclusion"
        : "envelope and batch";
    if (err instanceof VerificationError) {
      // The message ends with the same values; they are shown apart, so drop the copy.
      const suffix = ` (expected ${err.expected}, found ${err.found})`;
      const message = err.message.endsWith(suffix) ? err.message.slice(0, -suffix.length) : err.message;
      return { ok: false, failure: { stage, message, expected: err.expected, found: err.found } };
    }
    return { ok: false, failure: { stage, message: err instanceof Error ? err.message : String(err) } };
  }
}

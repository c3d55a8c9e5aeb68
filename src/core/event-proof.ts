/**
 * Offline verification of an event proof as the API returns it (docs/ARCHITECTURE.md, "Integrity model"):
 * envelope leaf → batch root (RFC 9162 §2.1.3.2) → batch header leaf → log root, which a
 * C2SP checkpoint signed by the log's key commits to. Shared by the CLI and the browser.
 */
import { bytesEqual, fromHex, toHex, utf8 } from "./bytes";
import { canonicalJson } from "./canonical";
import { sha256Hex } from "./digest";
import { VerificationError } from "./errors";
import { hashLeaf, rootFromInclusionProof, verifyInclusion } from "./merkle";
import { openNote, parseCheckpoint, type NoteVerifier } from "./note";
import type { EventProof } from "./protocol";

export interface EventProofDocument {
  envelope: { log: string; id: string; digest: string; seq: number; [k: string]: unknown };
  event?: unknown;
  proof: EventProof | null;
}

/** One checked step, for people who want to see how the verdict was reached. */
export interface VerificationStep {
  step: string;
  detail: string;
}

/** The proof is structurally unusable (missing fields, pending event). */
export class MalformedProofError extends VerificationError {}

/** A claim inside the document disagrees with another (ids, origins, sizes). */
export class ProofMismatchError extends VerificationError {}

/**
 * Verifies `doc` against the log's key. Returns the steps checked; throws a VerificationError
 * subclass naming the first thing that failed, with the expected and found values.
 * When `doc.event` is present and not null, its RFC 8785 digest must match the envelope's —
 * unless what is retained is not the event as received: a projection (`retained` is
 * "projection") or a body with masked members (`masked`), which the step list then says.
 */
export async function verifyEventProof(
  doc: EventProofDocument,
  verifier: NoteVerifier,
): Promise<VerificationStep[]> {
  const steps: VerificationStep[] = [];
  const { envelope, proof } = doc;
  if (!proof) throw new MalformedProofError("event has no proof yet", "a sealed event", "a pending event");
  const envelopeText = canonicalJson(envelope);
  const leaf = hashLeaf(utf8(envelopeText));
  steps.push({ step: "envelope leaf", detail: `SHA-256(0x00 || canonical envelope) = ${toHex(leaf)}` });

  if (envelope.digest !== `sha256:${envelope.id}`) {
    throw new ProofMismatchError(
      "envelope digest does not match its id",
      `sha256:${envelope.id}`,
      String(envelope.digest),
    );
  }
  const masked = Array.isArray(envelope.masked) && envelope.masked.length > 0;
  if (doc.event !== undefined && doc.event !== null && envelope.retained === "body" && !masked) {
    const digest = await sha256Hex(utf8(canonicalJson(doc.event)));
    if (digest !== envelope.id)
      throw new ProofMismatchError("event body does not match the envelope digest", envelope.id, digest);
    steps.push({ step: "event digest", detail: `SHA-256(canonical event) = ${digest} matches the envelope` });
  } else if (doc.event !== undefined && doc.event !== null) {
    steps.push({
      step: "event digest",
      detail: masked
        ? "not checked: the stored body has masked members; the digest covers the event as received"
        : "not checked: only the projection onto the required fields is retained",
    });
  }

  const batch = proof.batch;
  if (batch.log !== envelope.log)
    throw new ProofMismatchError("batch belongs to another log", envelope.log, batch.log);
  if (envelope.seq !== batch.first_seq + proof.leaf_index) {
    throw new ProofMismatchError(
      "leaf index does not match the envelope's seq",
      String(envelope.seq - batch.first_seq),
      String(proof.leaf_index),
    );
  }
  const batchRoot = rootFromInclusionProof(
    leaf,
    proof.leaf_index,
    batch.count,
    proof.batch_path.map(fromHex),
  );
  if (!bytesEqual(batchRoot, fromHex(batch.root))) {
    throw new ProofMismatchError(
      "batch root recomputed from the inclusion path differs from the header",
      batch.root,
      toHex(batchRoot),
    );
  }
  steps.push({
    step: "batch inclusion",
    detail: `leaf ${proof.leaf_index} of ${batch.count} → batch root ${batch.root}`,
  });

  if (batch.batch !== proof.batch_index) {
    throw new ProofMismatchError(
      "batch number differs from the proof's batch_index",
      String(proof.batch_index),
      String(batch.batch),
    );
  }
  const opened = await openNote(proof.checkpoint, [verifier]);
  const checkpoint = parseCheckpoint(opened.text);
  steps.push({
    step: "checkpoint signature",
    detail: `signed by ${verifier.name} (key id ${toHex(verifier.keyId)})`,
  });
  if (checkpoint.origin !== envelope.log) {
    throw new ProofMismatchError("checkpoint is for another log", envelope.log, checkpoint.origin);
  }
  if (checkpoint.size !== proof.tree_size) {
    throw new ProofMismatchError(
      "checkpoint size differs from the proof's tree_size",
      String(proof.tree_size),
      String(checkpoint.size),
    );
  }
  const headerLeaf = hashLeaf(utf8(canonicalJson(batch)));
  verifyInclusion(
    headerLeaf,
    proof.batch_index,
    proof.tree_size,
    proof.log_path.map(fromHex),
    checkpoint.rootHash,
  );
  steps.push({
    step: "log inclusion",
    detail: `batch ${proof.batch_index} of ${proof.tree_size} → checkpoint root ${toHex(checkpoint.rootHash)}`,
  });
  return steps;
}

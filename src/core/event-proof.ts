/**
 * Offline verification of an event proof as the API returns it (docs/ARCHITECTURE.md, "Integrity model"):
 * envelope leaf → batch root (RFC 9162 §2.1.3.2) → batch header leaf → log root, which a
 * C2SP checkpoint signed by the log's key commits to. Shared by the CLI and the browser.
 */
import { bytesEqual, fromHex, toHex, utf8 } from "./bytes";
import { canonicalJson } from "./canonical";
import { CommitmentError, rebuildCommitted, recommit } from "./commitment";
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
 * When `doc.event` is a retained body (`retained` is "body"), its RFC 8785 digest — after the
 * members the envelope lists under `removed` are put back as their commitments — must match
 * the envelope's id; a masked body is thus checked like any other (src/core/commitment.ts). A
 * projection cannot be checked, which the step list then says.
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
  if (doc.event !== undefined && doc.event !== null && envelope.retained === "body") {
    // The stored body plus the removed members' commitments is the committed form the id hashes
    // (src/core/commitment.ts); without removals the body is that form already.
    let removed: Record<string, unknown> | null;
    let committed: unknown;
    try {
      removed = removedOf(envelope);
      committed = removed === null ? doc.event : rebuildCommitted(doc.event, removed);
    } catch (err) {
      if (!(err instanceof CommitmentError)) throw err;
      throw new ProofMismatchError(
        `event body does not fit its envelope: ${baseOf(err)}`,
        err.expected,
        err.found,
      );
    }
    const digest = await sha256Hex(utf8(canonicalJson(committed)));
    if (digest !== envelope.id)
      throw new ProofMismatchError("event body does not match the envelope digest", envelope.id, digest);
    const count = removed === null ? 0 : Object.keys(removed).length;
    steps.push({
      step: "event digest",
      detail:
        count > 0
          ? `SHA-256(canonical body with ${count} removed member(s) put back as their commitments) = ${digest} matches the envelope`
          : `SHA-256(canonical event) = ${digest} matches the envelope`,
    });
  } else if (doc.event !== undefined && doc.event !== null) {
    steps.push({
      step: "event digest",
      detail: "not checked: only the projection onto the required fields is retained",
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

/**
 * The envelope's `removed` map, or null when it has none. A member that is present but not an
 * object of strings is refused: a verifier must not skip a check because a field is odd.
 */
function removedOf(envelope: EventProofDocument["envelope"]): Record<string, unknown> | null {
  const removed = envelope["removed"];
  if (removed === undefined) return null;
  if (typeof removed !== "object" || removed === null || Array.isArray(removed))
    throw new CommitmentError(
      "envelope 'removed' is not a map",
      "an object of pointers",
      JSON.stringify(removed),
    );
  return removed as Record<string, unknown>;
}

/** A VerificationError's message without the "(expected …, found …)" its constructor appended. */
function baseOf(err: VerificationError): string {
  const suffix = ` (expected ${err.expected}, found ${err.found})`;
  return err.message.endsWith(suffix) ? err.message.slice(0, -suffix.length) : err.message;
}

/** The original event is not the one the envelope commits to, or cannot be opened without the mask key. */
export class OriginalMismatchError extends VerificationError {}

/**
 * Opens a commitment: checks that `original` (the event as the producer sent it) is the event
 * `envelope` was made for. For an envelope with `masked` members the committed form is rebuilt
 * from `original` with the tenant's mask key `maskKey` (`GET /v1/admin/tenants/{t}/mask-key`),
 * each listed value replaced by its keyed commitment (src/core/commitment.ts); otherwise the
 * event as received is hashed. Either way SHA-256 of the RFC 8785 form must equal the id.
 *
 * Precondition: `envelope` was itself verified (`verifyEventProof`), or this proves nothing
 * about the log.
 *
 * @throws OriginalMismatchError when the key is needed and missing, a listed member is absent
 * from `original`, or the hash differs from the id.
 */
export async function verifyOriginalEvent(
  original: unknown,
  envelope: EventProofDocument["envelope"],
  maskKey: Uint8Array | null,
): Promise<VerificationStep> {
  const masked = envelope["masked"];
  const list = Array.isArray(masked) ? masked.map(String) : [];
  if (list.length > 0 && maskKey === null) {
    throw new OriginalMismatchError(
      "the envelope commits to masked values: opening them needs the tenant's mask key",
      "a mask key",
      "none",
    );
  }
  let committed: unknown = original;
  if (list.length > 0) {
    try {
      const removed = removedOf(envelope);
      committed = recommit(original, list, removed === null ? [] : Object.keys(removed), maskKey!);
    } catch (err) {
      if (!(err instanceof CommitmentError)) throw err;
      throw new OriginalMismatchError(`original event: ${baseOf(err)}`, err.expected, err.found);
    }
  }
  const digest = await sha256Hex(utf8(canonicalJson(committed)));
  if (digest !== envelope.id) {
    throw new OriginalMismatchError(
      list.length > 0
        ? "the original event's committed form (under this mask key) does not hash to the envelope's id"
        : "the original event does not hash to the envelope's id",
      envelope.id,
      digest,
    );
  }
  return {
    step: "original event",
    detail:
      list.length > 0
        ? `SHA-256(committed form of the original, ${list.length} value(s) keyed) = ${digest} matches the envelope`
        : `SHA-256(canonical original) = ${digest} matches the envelope`,
  };
}

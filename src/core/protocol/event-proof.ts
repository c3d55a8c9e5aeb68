/**
 * `GET /v1/events/{id}`: an event with its envelope, retained content and proof
 * (docs/ARCHITECTURE.md, "Integrity model"). The proof goes envelope leaf → batch root
 * (RFC 9162 §2.1.3 inclusion proof within the batch) → batch header leaf → log root, which the
 * signed checkpoint (C2SP tlog-checkpoint) commits to.
 */
import type { BatchHeader } from "./batch-header";
import type { Envelope } from "./envelope";

export interface EventProof {
  batch: BatchHeader;
  /** Index of the envelope leaf within the batch. */
  leaf_index: number;
  /** Inclusion path of the envelope leaf in the batch tree (hex hashes). */
  batch_path: string[];
  /** Index of the batch header leaf in the log tree: the batch number. */
  batch_index: number;
  /** Size of the log tree the checkpoint signs. */
  tree_size: number;
  /** Inclusion path of the batch header leaf in the log tree (hex hashes). */
  log_path: string[];
  /** The signed checkpoint (C2SP signed note) over the log tree of `tree_size`. */
  checkpoint: string;
}

/** What was erased, when and why (`DELETE /v1/events/{id}/body`). */
export interface Erasure {
  at: string;
  reason: string;
}

export interface EventDocument {
  envelope: Envelope;
  /** The retained content (body or projection); null once erased or when none is kept. */
  event: unknown;
  erased?: Erasure;
  status: "sealed" | "pending";
  /** null while the event waits in an unsealed batch. */
  proof: EventProof | null;
}

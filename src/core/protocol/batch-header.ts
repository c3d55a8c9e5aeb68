/**
 * A sealed batch's header as verifiers receive it: leaf `batch` of the log tree
 * (docs/ARCHITECTURE.md, "Integrity model"). It is the first line of
 * `GET /v1/logs/{log}/batches/{n}` and the `proof.batch` of `GET /v1/events/{id}`. The named
 * members keep their names; more may be added, and a verifier hashes whatever the header
 * holds, so unknown members are kept.
 */
export interface BatchHeader {
  /** The log's origin (C2SP checkpoint origin line). */
  log: string;
  /** Index of the batch: its leaf index in the log tree. */
  batch: number;
  /** Sequence number of the batch's first event; its events are first_seq … first_seq+count−1. */
  first_seq: number;
  count: number;
  /** Lowercase hex RFC 9162 Merkle Tree Hash over the batch's envelope leaves. */
  root: string;
  /** RFC 3339 time of sealing. */
  sealed_at: string;
  [field: string]: unknown;
}

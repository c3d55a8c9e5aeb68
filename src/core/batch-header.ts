/**
 * A sealed batch's header as verifiers receive it: leaf `batch` of the log tree (DESIGN:
 * Integrity model). The named members keep their names; more may be added, and a verifier
 * hashes whatever the header holds, so unknown members are kept.
 */
export interface BatchHeader {
  log: string;
  batch: number;
  first_seq: number;
  count: number;
  root: string;
  sealed_at: string;
  [field: string]: unknown;
}

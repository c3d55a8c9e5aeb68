/**
 * The log-level half of an audit: checked batches arrive in order, and this checks that each
 * continues the previous one (first_seq = previous first_seq + count), that no more batches
 * come than the checkpoint commits to, and recomputes the log tree over the batch headers
 * keeping O(log n) hashes (a compact range), never the events.
 */
import type { BatchHeader } from "../protocol";
import type { CheckedBatch } from "./batch-check";
import { CompactRange } from "./compact-range";
import { AuditFailure } from "./failure";
import type { AuditHasher } from "./hasher";

export interface AuditTotals {
  batches: number;
  events: number;
  bodiesChecked: number;
  bodiesAbsent: number;
  bodiesMasked: number;
  projections: number;
}

/**
 * Checks that `header` is batch `n` and starts at `firstSeq` (the previous batch's first_seq +
 * count; null when not known) and returns where batch n+1 must start.
 *
 * @throws AuditFailure
 */
export function checkContinuity(n: number, firstSeq: number | null, header: BatchHeader): number {
  if (header.batch !== n) {
    throw new AuditFailure(
      "batch header",
      `batch ${n} has the wrong batch number`,
      String(n),
      String(header.batch),
      { batch: n },
    );
  }
  if (firstSeq !== null && header.first_seq !== firstSeq) {
    throw new AuditFailure(
      "batch continuity",
      `batch ${n} does not start where batch ${n - 1} ended`,
      `first_seq ${firstSeq}`,
      `first_seq ${header.first_seq}`,
      { batch: n },
    );
  }
  return header.first_seq + header.count;
}

export class LogTreeAudit {
  private readonly tree: CompactRange;
  private readonly size: number;
  private readonly snapshotAt: number | undefined;
  private nextFirstSeq = 0;
  private snapshot: Uint8Array | null = null;
  readonly totals: AuditTotals = {
    batches: 0,
    events: 0,
    bodiesChecked: 0,
    bodiesAbsent: 0,
    bodiesMasked: 0,
    projections: 0,
  };

  /**
   * `size`: how many batches the checkpoint commits to. `snapshotAt`: also keep the root over
   * the first `snapshotAt` headers (a previous audit's tree size).
   */
  constructor(hasher: Pick<AuditHasher, "hashChildren">, size: number, snapshotAt?: number) {
    this.tree = new CompactRange(hasher.hashChildren);
    this.size = size;
    this.snapshotAt = snapshotAt;
  }

  /** The number of the batch expected next. */
  get next(): number {
    return this.tree.size;
  }

  /** Adds batch `next`, checked by `checkBatch`. @throws AuditFailure */
  add(checked: CheckedBatch): void {
    const n = this.tree.size;
    if (n >= this.size) {
      throw new AuditFailure(
        "batch count",
        `more batches than the checkpoint's size ${this.size}`,
        `${this.size} batches`,
        `batch ${n}`,
        { batch: n },
      );
    }
    this.nextFirstSeq = checkContinuity(n, this.nextFirstSeq, checked.header);
    const t = this.totals;
    t.batches++;
    t.events += checked.events;
    t.bodiesChecked += checked.bodiesChecked;
    t.bodiesAbsent += checked.bodiesAbsent;
    t.bodiesMasked += checked.bodiesMasked;
    t.projections += checked.projections;
    this.tree.append(checked.headerLeaf);
    if (this.tree.size === this.snapshotAt) this.snapshot = this.tree.root();
  }

  /** After the last batch: the RFC 9162 root over all headers. @throws AuditFailure when batches are missing */
  finish(): { root: Uint8Array; snapshotRoot: Uint8Array | null } {
    if (this.tree.size !== this.size) {
      throw new AuditFailure(
        "batch count",
        `the log served ${this.tree.size} batches, its checkpoint commits to ${this.size}`,
        `${this.size} batches`,
        `${this.tree.size} batches`,
      );
    }
    return { root: this.tree.root(), snapshotRoot: this.snapshot };
  }
}

/**
 * The audit engine: checks every batch of a log in order and recomputes the log tree over the
 * batch headers, keeping O(log n) hashes (a compact range), never the events. Pure over its
 * input, so tests can feed it tampered batch texts.
 */
import { CheckFailedError } from "../errors";
import { checkBatch, type EventLine } from "./batch-check";
import { CompactRange } from "./compact-range";

export interface BatchAuditOptions {
  /** The log's origin, as signed in its checkpoint. */
  origin: string;
  /** How many batches the checkpoint commits to: batches 0 … size−1 must follow, no more. */
  size: number;
  /** Also return the log root over the first `snapshotAt` batches (a previous audit's size). */
  snapshotAt?: number;
  onBatch?: (progress: { batches: number; events: number }) => void;
  onEvent?: (line: EventLine, seq: number) => void;
}

export interface BatchAuditResult {
  batches: number;
  events: number;
  bodiesChecked: number;
  bodiesAbsent: number;
  bodiesMasked: number;
  projections: number;
  /** RFC 9162 root over all batch headers. */
  root: Uint8Array;
  /** Root over the first `snapshotAt` headers, when asked for and 0 < snapshotAt ≤ size. */
  snapshotRoot: Uint8Array | null;
}

/**
 * Consumes `batches` (the NDJSON text of batch 0, 1, …) and checks each as it arrives. Throws
 * `CheckFailedError` at the first failure, naming the batch (and the event when it is one).
 */
export async function auditBatches(batches: AsyncIterable<string>, options: BatchAuditOptions): Promise<BatchAuditResult> {
  const tree = new CompactRange();
  let nextFirstSeq = 0;
  let events = 0;
  let bodiesChecked = 0;
  let bodiesAbsent = 0;
  let bodiesMasked = 0;
  let projections = 0;
  let snapshotRoot: Uint8Array | null = null;
  for await (const text of batches) {
    const n = tree.size;
    if (n >= options.size) {
      throw new CheckFailedError("batch count", `more batches than the checkpoint's size ${options.size}`, `${options.size} batches`, `batch ${n}`, { batch: n });
    }
    const checked = checkBatch(text, { origin: options.origin, batch: n, firstSeq: nextFirstSeq }, options.onEvent);
    nextFirstSeq = checked.header.first_seq + checked.header.count;
    events += checked.events;
    bodiesChecked += checked.bodiesChecked;
    bodiesAbsent += checked.bodiesAbsent;
    bodiesMasked += checked.bodiesMasked;
    projections += checked.projections;
    tree.append(checked.headerLeaf);
    if (tree.size === options.snapshotAt) snapshotRoot = tree.root();
    options.onBatch?.({ batches: tree.size, events });
  }
  if (tree.size !== options.size) {
    throw new CheckFailedError("batch count", `the log served ${tree.size} batches, its checkpoint commits to ${options.size}`, `${options.size} batches`, `${tree.size} batches`);
  }
  return { batches: tree.size, events, bodiesChecked, bodiesAbsent, bodiesMasked, projections, root: tree.root(), snapshotRoot };
}

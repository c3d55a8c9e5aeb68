/** Checking one downloaded range of batches, in a worker thread or on the main thread. */
import { checkBatch, type AuditHasher, type CheckedBatch } from "../../core/audit";
import { splitRange } from "./fetch-batches";

/**
 * Splits the inflated range `bytes` (batches `from` … `from` + `count` − 1 of `origin`) and
 * checks its batches in order, pushing each that passes to `checked`; batch `from` must start at
 * `firstSeq` when that is known. @throws AuditFailure at the first batch that fails.
 */
export async function checkRange(
  bytes: Uint8Array,
  range: { origin: string; from: number; count: number; firstSeq: number | null },
  hasher: AuditHasher,
  checked: CheckedBatch[],
): Promise<void> {
  let firstSeq = range.firstSeq;
  for (const batch of splitRange(bytes, range.count)) {
    const c = await checkBatch(
      batch,
      { origin: range.origin, batch: range.from + checked.length, firstSeq },
      hasher,
    );
    firstSeq = c.header.first_seq + c.header.count;
    checked.push(c);
  }
}

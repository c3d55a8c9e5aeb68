/** Checking the batches of one log one after another, on the calling thread. */
import { utf8 } from "../bytes";
import { checkBatch, type CheckedBatch, type EventVisitor } from "./batch-check";
import type { AuditHasher } from "./hasher";

/**
 * Checks each batch of `batches` (batch 0, 1, … of log `origin`; text is taken as its UTF-8
 * bytes) as it arrives, yielding the checked batches in order.
 */
export async function* checkInOrder(
  batches: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  origin: string,
  hasher: AuditHasher,
  onEvent?: EventVisitor,
): AsyncGenerator<CheckedBatch> {
  let n = 0;
  let firstSeq = 0;
  for await (const batch of batches) {
    const checked = await checkBatch(
      typeof batch === "string" ? utf8(batch) : batch,
      { origin, batch: n++, firstSeq },
      hasher,
      onEvent,
    );
    firstSeq = checked.header.first_seq + checked.header.count;
    yield checked;
  }
}

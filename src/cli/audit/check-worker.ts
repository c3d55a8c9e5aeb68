/**
 * Entry of an audit worker thread (bundled to dist/audit-worker.mjs): inflates the ranges of
 * batches it is sent, checks each batch with the core's `checkBatch` over node:crypto, and
 * answers with the checked batches and the failure, if any, as plain data. See
 * `worker-pool.ts` for the other side.
 */
import { parentPort } from "node:worker_threads";
import { AuditFailure, checkBatch, type CheckedBatch } from "../../core/audit";
import { inflatedSync, splitRange } from "./fetch-batches";
import { nodeHasher } from "./node-hasher";
import type { WorkerAnswer, WorkerTask } from "./worker-pool";

const hasher = nodeHasher();
const port = parentPort;
if (!port) throw new Error("check-worker.ts runs only as a worker thread");

async function checkRange(task: WorkerTask, checked: CheckedBatch[]): Promise<void> {
  // Buffers (no copy): their indexOf, which splits lines, is native.
  const bytes = inflatedSync({ ...task, bytes: Buffer.from(task.bytes) });
  let firstSeq = task.firstSeq;
  for (const batch of splitRange(bytes, task.count)) {
    const c = await checkBatch(
      batch,
      { origin: task.origin, batch: task.from + checked.length, firstSeq },
      hasher,
    );
    firstSeq = c.header.first_seq + c.header.count;
    checked.push(c);
  }
}

port.on("message", (task: WorkerTask) => {
  const checked: CheckedBatch[] = [];
  checkRange(task, checked).then(
    () => port.postMessage({ id: task.id, checked } satisfies WorkerAnswer),
    (err: unknown) =>
      port.postMessage(
        (err instanceof AuditFailure
          ? { id: task.id, checked, failure: err.toJSON() }
          : {
              id: task.id,
              checked,
              error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
            }) satisfies WorkerAnswer,
      ),
  );
});

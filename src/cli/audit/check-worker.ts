/**
 * Entry of an audit worker thread (bundled to dist/audit-worker.mjs): inflates the ranges of
 * batches it is sent, checks each batch with the core's `checkBatch` over node:crypto, and
 * answers with the checked batches and the failure, if any, as plain data. See
 * `worker-pool.ts` for the other side.
 */
import { parentPort } from "node:worker_threads";
import { AuditFailure, type CheckedBatch } from "../../core/audit";
import { checkRange } from "./check-range";
import { inflatedSync } from "./fetch-batches";
import { nodeHasher } from "./node-hasher";
import type { WorkerAnswer, WorkerTask } from "./worker-pool";

const hasher = nodeHasher();
const port = parentPort;
if (!port) throw new Error("check-worker.ts runs only as a worker thread");

port.on("message", (task: WorkerTask) => {
  const checked: CheckedBatch[] = [];
  // Buffers (no copy): their indexOf, which splits lines, is native.
  new Promise<Uint8Array>((resolve) => resolve(inflatedSync({ ...task, bytes: Buffer.from(task.bytes) })))
    .then((bytes) => checkRange(bytes, task, hasher, checked))
    .then(
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

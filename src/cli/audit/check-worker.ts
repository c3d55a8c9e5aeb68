/**
 * Entry of an audit worker thread (bundled to dist/audit-worker.mjs): checks the batches it is
 * sent with the core's `checkBatch` over node:crypto and answers with the checked batch or the
 * failure as plain data. See `worker-pool.ts` for the other side.
 */
import { parentPort } from "node:worker_threads";
import { AuditFailure, checkBatch } from "../../core/audit";
import { nodeHasher } from "./node-hasher";
import type { WorkerAnswer, WorkerTask } from "./worker-pool";

const hasher = nodeHasher();
const port = parentPort;
if (!port) throw new Error("check-worker.ts runs only as a worker thread");

port.on("message", (task: WorkerTask) => {
  checkBatch(
    new Uint8Array(task.bytes),
    { origin: task.origin, batch: task.batch, firstSeq: task.firstSeq },
    hasher,
  ).then(
    (checked) => port.postMessage({ id: task.id, ok: true, checked } satisfies WorkerAnswer),
    (err: unknown) =>
      port.postMessage(
        (err instanceof AuditFailure
          ? { id: task.id, ok: false, failure: err.toJSON() }
          : {
              id: task.id,
              ok: false,
              error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
            }) satisfies WorkerAnswer,
      ),
  );
});

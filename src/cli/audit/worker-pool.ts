/**
 * Batch checks in worker threads. Checking is CPU-bound (JSON of each envelope, SHA-256 of
 * each envelope and body) while downloading mostly waits, so on a machine with more than one
 * core the main thread fetches and keeps the log tree while workers check batches; results are
 * handed out in batch order, so the first failure in log order is the one reported.
 */
import { existsSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { AuditFailure, peekSpan, type AuditFailureData, type CheckedBatch } from "../../core/audit";

export interface WorkerTask {
  id: number;
  /** The batch bytes, transferred (not copied) to the worker. */
  bytes: ArrayBuffer;
  origin: string;
  batch: number;
  firstSeq: number | null;
}

export type WorkerAnswer =
  | { id: number; ok: true; checked: CheckedBatch }
  | { id: number; ok: false; failure: AuditFailureData }
  | { id: number; ok: false; error: string };

interface Slot {
  worker: Worker;
  inFlight: number;
}

export class CheckPool {
  private readonly slots: Slot[];
  private readonly waiting = new Map<
    number,
    { resolve: (c: CheckedBatch) => void; reject: (e: unknown) => void }
  >();
  private nextId = 0;

  /** Starts `threads` workers running the bundled `script` (dist/audit-worker.mjs). */
  constructor(script: string, threads: number) {
    this.slots = Array.from({ length: threads }, () => {
      const worker = new Worker(script);
      worker.on("message", (answer: WorkerAnswer) => this.settle(answer));
      worker.on("error", (err) => this.failAll(err));
      return { worker, inFlight: 0 };
    });
  }

  /** The worker script next to the bundled CLI, or null when it is not there (run from source). */
  static script(cliUrl: string): string | null {
    const path = new URL("./audit-worker.mjs", cliUrl);
    return path.protocol === "file:" && existsSync(path) ? path.pathname : null;
  }

  check(bytes: Uint8Array, origin: string, batch: number, firstSeq: number | null): Promise<CheckedBatch> {
    const slot = this.slots.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
    const id = this.nextId++;
    // The whole buffer moves to the worker; a view into a larger buffer is copied out first.
    const own =
      bytes.byteOffset === 0 &&
      bytes.byteLength === bytes.buffer.byteLength &&
      bytes.buffer instanceof ArrayBuffer;
    const buffer = own ? (bytes.buffer as ArrayBuffer) : bytes.slice().buffer;
    const task: WorkerTask = { id, bytes: buffer, origin, batch, firstSeq };
    slot.inFlight++;
    return new Promise<CheckedBatch>((resolve, reject) => {
      this.waiting.set(id, {
        resolve: (c) => {
          slot.inFlight--;
          resolve(c);
        },
        reject: (e) => {
          slot.inFlight--;
          reject(e);
        },
      });
      slot.worker.postMessage(task, [buffer]);
    });
  }

  /** Checks `batches` (0, 1, … of `origin`) with up to `window` in flight, yielding them in order. */
  async *checkAll(
    batches: AsyncIterable<Uint8Array | string>,
    origin: string,
    window: number,
  ): AsyncGenerator<CheckedBatch> {
    const pending: Promise<CheckedBatch>[] = [];
    let n = 0;
    // Where each batch must start, from the previous batch's header as received (see peekSpan).
    let firstSeq: number | null = 0;
    const encoder = new TextEncoder();
    for await (const batch of batches) {
      const bytes = typeof batch === "string" ? encoder.encode(batch) : batch;
      const span = peekSpan(bytes);
      const p = this.check(bytes, origin, n++, firstSeq);
      firstSeq = span ? span.firstSeq + span.count : null;
      p.catch(() => {});
      pending.push(p);
      if (pending.length >= window) yield await pending.shift()!;
    }
    while (pending.length > 0) yield await pending.shift()!;
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private settle(answer: WorkerAnswer): void {
    const waiter = this.waiting.get(answer.id);
    if (!waiter) return;
    this.waiting.delete(answer.id);
    if (answer.ok) {
      const { checked } = answer;
      waiter.resolve({ ...checked, headerLeaf: new Uint8Array(checked.headerLeaf) });
    } else if ("failure" in answer) waiter.reject(AuditFailure.fromJSON(answer.failure));
    else waiter.reject(new Error(`audit worker: ${answer.error}`));
  }

  private failAll(err: unknown): void {
    for (const waiter of this.waiting.values()) waiter.reject(err);
    this.waiting.clear();
  }
}

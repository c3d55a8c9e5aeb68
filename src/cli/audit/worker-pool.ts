/**
 * Batch checks in worker threads. Inflating and checking are CPU-bound (zlib, SHA-256 of each
 * envelope and body) while downloading mostly waits, so where a core is free the main thread
 * fetches and keeps the log tree while workers inflate and check whole ranges of batches — and
 * it checks ranges itself whenever it has fewer in hand than the least busy worker (inflating
 * them on zlib's own threads), so with one worker on two cores both cores check. Results are
 * handed out in batch order, so the first failure in log order is the one reported.
 */
import { existsSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { AuditFailure, type AuditFailureData, type CheckedBatch } from "../../core/audit";

import { checkRange } from "./check-range";
import { inflated, type ExportRange } from "./fetch-batches";
import { nodeHasher } from "./node-hasher";

export interface WorkerTask {
  id: number;
  /** The range's bytes, transferred (not copied) to the worker. */
  bytes: ArrayBuffer;
  gzip: boolean;
  origin: string;
  /** The range's first batch number and how many batches it holds. */
  from: number;
  count: number;
  /** Where batch `from` must start, when known (see `checkBatch`). */
  firstSeq: number | null;
}

/** The batches that passed, in order, then the failure that stopped the range, if any. */
export type WorkerAnswer =
  | { id: number; checked: CheckedBatch[]; failure?: AuditFailureData }
  | { id: number; checked: CheckedBatch[]; error: string };

interface Slot {
  worker: Worker;
  inFlight: number;
}

interface RangeResult {
  checked: CheckedBatch[];
  failure: unknown;
}

export class CheckPool {
  private readonly slots: Slot[];
  private readonly waiting = new Map<
    number,
    { resolve: (r: RangeResult) => void; reject: (e: unknown) => void }
  >();
  private nextId = 0;
  /** Ranges given to this thread and not yet checked. */
  private local = 0;
  /** How many ranges this thread has taken (the rest went to workers). */
  rangesHere = 0;
  private readonly hasher = nodeHasher();

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

  private check(range: ExportRange, origin: string, firstSeq: number | null): Promise<RangeResult> {
    const slot = this.slots.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
    if (this.local < slot.inFlight) return this.checkHere(range, origin, firstSeq);
    const id = this.nextId++;
    const { bytes } = range;
    // The whole buffer moves to the worker; a view into a larger buffer is copied out first
    // (not bytes.slice(): on a Buffer that is a view of the same memory, not a copy).
    const own =
      bytes.byteOffset === 0 &&
      bytes.byteLength === bytes.buffer.byteLength &&
      bytes.buffer instanceof ArrayBuffer;
    const buffer = own ? (bytes.buffer as ArrayBuffer) : new Uint8Array(bytes).buffer;
    const task: WorkerTask = {
      id,
      bytes: buffer,
      gzip: range.gzip,
      origin,
      from: range.from,
      count: range.count,
      firstSeq,
    };
    slot.inFlight++;
    return new Promise<RangeResult>((resolve, reject) => {
      this.waiting.set(id, {
        resolve: (r) => {
          slot.inFlight--;
          resolve(r);
        },
        reject: (e) => {
          slot.inFlight--;
          reject(e);
        },
      });
      slot.worker.postMessage(task, [buffer]);
    });
  }

  /** Checks `range` on this thread, its gzip inflated on zlib's threads meanwhile. */
  private async checkHere(range: ExportRange, origin: string, firstSeq: number | null): Promise<RangeResult> {
    this.local++;
    this.rangesHere++;
    const checked: CheckedBatch[] = [];
    try {
      await checkRange(await inflated(range), { ...range, origin, firstSeq }, this.hasher, checked);
      return { checked, failure: null };
    } catch (err) {
      return { checked, failure: err };
    } finally {
      this.local--;
    }
  }

  /**
   * Checks `ranges` (batches 0, 1, … of `origin`) with up to `window` ranges in flight, yielding
   * the batches in order; a range's failure is thrown after the batches before it in that range.
   */
  async *checkAll(
    ranges: AsyncIterable<ExportRange>,
    origin: string,
    window: number,
  ): AsyncGenerator<CheckedBatch> {
    const pending: Promise<RangeResult>[] = [];
    for await (const range of ranges) {
      // Batch 0 starts at seq 0; a later range's start is checked in order by LogTreeAudit.
      const p = this.check(range, origin, range.from === 0 ? 0 : null);
      p.catch(() => {});
      pending.push(p);
      if (pending.length >= window) yield* settled(await pending.shift()!);
    }
    while (pending.length > 0) yield* settled(await pending.shift()!);
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private settle(answer: WorkerAnswer): void {
    const waiter = this.waiting.get(answer.id);
    if (!waiter) return;
    this.waiting.delete(answer.id);
    const checked = answer.checked.map((c) => ({ ...c, headerLeaf: new Uint8Array(c.headerLeaf) }));
    if ("error" in answer) waiter.resolve({ checked, failure: new Error(`audit worker: ${answer.error}`) });
    else waiter.resolve({ checked, failure: answer.failure ? AuditFailure.fromJSON(answer.failure) : null });
  }

  private failAll(err: unknown): void {
    for (const waiter of this.waiting.values()) waiter.reject(err);
    this.waiting.clear();
  }
}

function* settled(result: RangeResult): Generator<CheckedBatch> {
  yield* result.checked;
  if (result.failure) throw result.failure;
}

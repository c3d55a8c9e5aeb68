/**
 * `edgelog audit`'s use of the core auditor (`src/core/audit`): batches arrive as bytes (or
 * text, from tests), are checked on this thread or in worker threads, and a failure becomes the
 * CLI's `CheckFailedError` (exit 1) with the core's step, message and place.
 */
import {
  AuditFailure,
  auditLog as coreAuditLog,
  checkInOrder,
  type AuditState,
  type CheckedBatch,
  type LogAuditReport,
} from "../../core/audit";
import type { NoteVerifier } from "../../core/note";
import { CheckFailedError } from "../errors";
import { inflated, splitRange, type ExportRange } from "./fetch-batches";
import { nodeHasher } from "./node-hasher";

export type { AuditState, LogAuditReport };

/** A batch's bytes or UTF-8 text, or a range of batches as fetched. */
export type BatchSource = Uint8Array | string | ExportRange;

export interface LogAuditSources {
  /** Batches 0 … size−1, in order, one by one or in ranges. */
  batches(size: number): AsyncIterable<BatchSource>;
  /** Hex consistency path between tree sizes `from` and `to` (`GET /v1/logs/{log}/consistency`). */
  consistency(from: number, to: number): Promise<string[]>;
}

export interface LogAuditInput {
  verifier: NoteVerifier;
  /** The log's latest signed checkpoint note. */
  checkpoint: string;
  previous: AuditState | null;
  sources: LogAuditSources;
  /**
   * Checks batches 0 … size−1 of `origin` from `batches`, yielding them in order (e.g. in
   * worker threads); by default each is checked on this thread as it arrives.
   */
  check?: (batches: AsyncIterable<BatchSource>, origin: string, size: number) => AsyncIterable<CheckedBatch>;
  onStep?: (step: string, detail: string) => void;
  onBatch?: (progress: { batches: number; events: number }) => void;
}

/** Ranges being inflated ahead of the one being checked, so zlib's thread works while this one checks. */
const INFLATE_AHEAD = 2;

/**
 * The batches of `sources` in order, ranges inflated (by zlib, off this thread) and split. A
 * range starts inflating as soon as it has arrived, up to INFLATE_AHEAD ranges ahead.
 */
export async function* eachBatch(sources: AsyncIterable<BatchSource>): AsyncGenerator<Uint8Array | string> {
  const ahead: Promise<Uint8Array[]>[] = [];
  for await (const item of sources) {
    if (typeof item === "string" || item instanceof Uint8Array) {
      while (ahead.length > 0) yield* await ahead.shift()!;
      yield item;
      continue;
    }
    const batches = inflated(item).then((bytes) => splitRange(bytes, item.count));
    // Awaited in order below; marked handled now in case the consumer stops early.
    batches.catch(() => {});
    ahead.push(batches);
    if (ahead.length > INFLATE_AHEAD) yield* await ahead.shift()!;
  }
  while (ahead.length > 0) yield* await ahead.shift()!;
}

/** The core's failure as the CLI's exit-1 error. */
export function toCheckFailed(err: unknown): unknown {
  if (!(err instanceof AuditFailure)) return err;
  return new CheckFailedError(err.step, err.summary, err.expected, err.found, err.where, { cause: err });
}

export async function auditLog(input: LogAuditInput): Promise<LogAuditReport> {
  const hasher = nodeHasher();
  const check = input.check ?? ((batches, origin) => checkInOrder(eachBatch(batches), origin, hasher));
  try {
    return await coreAuditLog({
      verifier: input.verifier,
      hasher,
      checkpoint: input.checkpoint,
      previous: input.previous,
      sources: {
        batches: (origin, size) => check(input.sources.batches(size), origin, size),
        consistency: input.sources.consistency,
      },
      now: () => new Date().toISOString(),
      onStep: input.onStep,
      onBatch: input.onBatch,
    });
  } catch (err) {
    throw toCheckFailed(err);
  }
}

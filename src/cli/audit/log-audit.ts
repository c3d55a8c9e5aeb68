/**
 * A whole-log audit, independent of HTTP: given the log's signed checkpoint, a source of batch
 * texts and of consistency proofs, and the state of the previous audit, it checks
 *
 * 1. the checkpoint's signature (C2SP signed note) with the auditor's own verifier key;
 * 2. that the previously verified checkpoint is still validly signed, for the same log, and
 *    that the log grew from it: an RFC 9162 §2.1.4.2 consistency proof from the old size;
 * 3. every batch (see `checkBatch`) and the log root recomputed over all batch headers, which
 *    must be the checkpoint's root;
 * 4. the root over the first old-size headers, which must be the old checkpoint's root (the
 *    same fact as 2, established from the data instead of from a proof).
 */
import { bytesEqual, fromHex, toHex } from "../../core/bytes";
import { verifyConsistency } from "../../core/merkle";
import { openNote, parseCheckpoint, type Checkpoint, type NoteVerifier } from "../../core/note";
import { CheckFailedError } from "../errors";
import { asStep } from "../verification";
import { auditBatches } from "./engine";
import type { AuditState } from "./state";

export interface LogAuditSources {
  /** The NDJSON text of batches 0 … size−1, in order. */
  batches(size: number): AsyncIterable<string>;
  /** Hex consistency path between tree sizes `from` and `to` (`GET /v1/logs/{log}/consistency`). */
  consistency(from: number, to: number): Promise<string[]>;
}

export interface LogAuditInput {
  verifier: NoteVerifier;
  /** The log's latest signed checkpoint note. */
  checkpoint: string;
  previous: AuditState | null;
  sources: LogAuditSources;
  onStep?: (step: string, detail: string) => void;
  onBatch?: (progress: { batches: number; events: number }) => void;
}

export interface LogAuditReport {
  origin: string;
  size: number;
  root: string;
  events: number;
  bodiesChecked: number;
  bodiesAbsent: number;
  bodiesMasked: number;
  projections: number;
  steps: { step: string; detail: string }[];
  /** What to save for the next audit. */
  state: AuditState;
}

async function openCheckpoint(step: string, note: string, verifier: NoteVerifier): Promise<Checkpoint> {
  return asStep(step, async () => parseCheckpoint((await openNote(note, [verifier])).text));
}

export async function auditLog(input: LogAuditInput): Promise<LogAuditReport> {
  const steps: { step: string; detail: string }[] = [];
  const passed = (step: string, detail: string) => {
    steps.push({ step, detail });
    input.onStep?.(step, detail);
  };
  const keyName = `${input.verifier.name}+${toHex(input.verifier.keyId)}`;

  const cp = await openCheckpoint("checkpoint signature", input.checkpoint, input.verifier);
  const rootHex = toHex(cp.rootHash);
  passed("checkpoint signature", `${cp.origin} size ${cp.size} root ${rootHex}, signed by ${keyName}`);

  const prev = input.previous;
  let prevRoot: Uint8Array | null = null;
  if (prev) {
    const old = await openCheckpoint("previous checkpoint", prev.checkpoint, input.verifier);
    if (old.origin !== cp.origin || prev.origin !== cp.origin) {
      throw new CheckFailedError("previous checkpoint", "the saved checkpoint is for another log", cp.origin, old.origin);
    }
    if (old.size !== prev.size || toHex(old.rootHash) !== prev.root) {
      throw new CheckFailedError(
        "previous checkpoint",
        "the state file's size/root disagree with its signed checkpoint",
        `size ${old.size} root ${toHex(old.rootHash)}`,
        `size ${prev.size} root ${prev.root}`,
      );
    }
    if (old.size > cp.size) {
      throw new CheckFailedError(
        "consistency",
        "the log shrank since the previous audit (rollback, or a different history)",
        `tree size >= ${old.size}`,
        `tree size ${cp.size}`,
      );
    }
    prevRoot = old.rootHash;
    passed("previous checkpoint", `size ${old.size} root ${prev.root}, audited ${prev.audited_at}`);
    if (old.size > 0) {
      const path = old.size === cp.size ? [] : await input.sources.consistency(old.size, cp.size);
      await asStep("consistency", () => verifyConsistency(old.size, cp.size, old.rootHash, cp.rootHash, path.map(fromHex)), {
        from: old.size,
        to: cp.size,
      });
      passed("consistency", `tree ${old.size} → ${cp.size} proven append-only (RFC 9162 §2.1.4.2, ${path.length} hashes)`);
    }
  }

  const result = await auditBatches(input.sources.batches(cp.size), {
    origin: cp.origin,
    size: cp.size,
    snapshotAt: prev?.size,
    onBatch: input.onBatch,
  });
  const unchecked = [
    [result.projections, "projections"],
    [result.bodiesMasked, "masked bodies"],
    [result.bodiesAbsent, "erased bodies"],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, what]) => `${n} ${what}`);
  passed(
    "batches",
    `${result.batches} batches, ${result.events} events, ${result.bodiesChecked} body digests checked` +
      (unchecked.length > 0 ? ` (not checkable: ${unchecked.join(", ")})` : ""),
  );

  if (!bytesEqual(result.root, cp.rootHash)) {
    throw new CheckFailedError("log root", "log root recomputed from the batch headers differs from the checkpoint's", rootHex, toHex(result.root));
  }
  passed("log root", `recomputed from ${result.batches} batch headers = checkpoint root`);

  if (prev && prevRoot && prev.size > 0) {
    if (!result.snapshotRoot || !bytesEqual(result.snapshotRoot, prevRoot)) {
      throw new CheckFailedError(
        "previous root",
        `root over the first ${prev.size} batch headers differs from the previously verified checkpoint's`,
        prev.root,
        result.snapshotRoot ? toHex(result.snapshotRoot) : "none",
      );
    }
    passed("previous root", `recomputed from the first ${prev.size} batch headers = saved root`);
  }

  return {
    origin: cp.origin,
    size: cp.size,
    root: rootHex,
    events: result.events,
    bodiesChecked: result.bodiesChecked,
    bodiesAbsent: result.bodiesAbsent,
    bodiesMasked: result.bodiesMasked,
    projections: result.projections,
    steps,
    state: {
      version: 1,
      origin: cp.origin,
      size: cp.size,
      root: rootHex,
      checkpoint: input.checkpoint,
      events: result.events,
      audited_at: new Date().toISOString(),
    },
  };
}

/**
 * A whole-log audit, independent of transport: given the log's signed checkpoint, its batches
 * (checked by `checkBatch`, here or in worker threads), a source of consistency proofs and the
 * state of the previous audit, it checks
 *
 * 1. the checkpoint's signature (C2SP signed note) with the auditor's own verifier key;
 * 2. that the previously verified checkpoint is still validly signed, for the same log, and
 *    that the log grew from it: an RFC 9162 §2.1.4.2 consistency proof from the old size;
 * 3. every batch and the log root recomputed over all batch headers, which must be the
 *    checkpoint's root;
 * 4. the root over the first old-size headers, which must be the old checkpoint's root (the
 *    same fact as 2, established from the data instead of from a proof).
 */
import { bytesEqual, fromHex, toHex } from "../bytes";
import { VerificationError } from "../errors";
import { verifyConsistency } from "../merkle";
import { openNote, parseCheckpoint, type Checkpoint, type NoteVerifier } from "../note";
import type { CheckedBatch } from "./batch-check";
import { AuditFailure, type AuditPlace } from "./failure";
import type { AuditHasher } from "./hasher";
import { LogTreeAudit, type AuditTotals } from "./log-tree-audit";

/** What an auditor keeps between runs: the last checkpoint it verified. */
export interface AuditState {
  version: 1;
  origin: string;
  /** Tree size (number of batches) of the verified checkpoint. */
  size: number;
  /** Lowercase hex of its root hash. */
  root: string;
  /** The signed checkpoint note itself, so the signature can be re-checked later. */
  checkpoint: string;
  events: number;
  audited_at: string;
}

export interface LogAuditSources {
  /** Batches 0 … size−1 of the log `origin`, in order, each checked by `checkBatch`. */
  batches(origin: string, size: number): AsyncIterable<CheckedBatch>;
  /** Hex consistency path between tree sizes `from` and `to` (`GET /v1/logs/{log}/consistency`). */
  consistency(from: number, to: number): Promise<string[]>;
}

export interface LogAuditInput {
  verifier: NoteVerifier;
  hasher: AuditHasher;
  /** The log's latest signed checkpoint note. */
  checkpoint: string;
  previous: AuditState | null;
  sources: LogAuditSources;
  /** The time saved in the state (RFC 3339). */
  now: () => string;
  onStep?: (step: string, detail: string) => void;
  onBatch?: (progress: { batches: number; events: number }) => void;
}

export interface LogAuditReport extends AuditTotals {
  origin: string;
  size: number;
  root: string;
  steps: { step: string; detail: string }[];
  /** What to save for the next audit. */
  state: AuditState;
}

/** Runs `check`, reporting a core verification failure (or malformed hex/base64) as a failure of `step`. */
export async function asAuditStep<T>(
  step: string,
  check: () => T | Promise<T>,
  where: AuditPlace = {},
): Promise<T> {
  try {
    return await check();
  } catch (err) {
    if (err instanceof AuditFailure) throw err;
    if (err instanceof VerificationError) {
      const suffix = ` (expected ${err.expected}, found ${err.found})`;
      const summary = err.message.endsWith(suffix) ? err.message.slice(0, -suffix.length) : err.message;
      throw new AuditFailure(step, summary, err.expected, err.found, where);
    }
    if (err instanceof RangeError) {
      throw new AuditFailure(
        step,
        `malformed value: ${err.message}`,
        "well-formed hex/base64 of the right length",
        err.message,
        where,
      );
    }
    throw err;
  }
}

async function openCheckpoint(step: string, note: string, verifier: NoteVerifier): Promise<Checkpoint> {
  return asAuditStep(step, async () => parseCheckpoint((await openNote(note, [verifier])).text));
}

/** @throws AuditFailure at the first check that fails. */
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
      throw new AuditFailure(
        "previous checkpoint",
        "the saved checkpoint is for another log",
        cp.origin,
        old.origin,
      );
    }
    if (old.size !== prev.size || toHex(old.rootHash) !== prev.root) {
      throw new AuditFailure(
        "previous checkpoint",
        "the state file's size/root disagree with its signed checkpoint",
        `size ${old.size} root ${toHex(old.rootHash)}`,
        `size ${prev.size} root ${prev.root}`,
      );
    }
    if (old.size > cp.size) {
      throw new AuditFailure(
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
      await asAuditStep(
        "consistency",
        () => verifyConsistency(old.size, cp.size, old.rootHash, cp.rootHash, path.map(fromHex)),
        {
          from: old.size,
          to: cp.size,
        },
      );
      passed(
        "consistency",
        `tree ${old.size} → ${cp.size} proven append-only (RFC 9162 §2.1.4.2, ${path.length} hashes)`,
      );
    }
  }

  const tree = new LogTreeAudit(input.hasher, cp.size, prev?.size);
  for await (const checked of input.sources.batches(cp.origin, cp.size)) {
    tree.add(checked);
    input.onBatch?.({ batches: tree.totals.batches, events: tree.totals.events });
  }
  const { root, snapshotRoot } = tree.finish();
  const t = tree.totals;
  const unchecked = [
    [t.projections, "projections"],
    [t.bodiesAbsent, "erased bodies"],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, what]) => `${n} ${what}`);
  passed(
    "batches",
    `${t.batches} batches, ${t.events} events, ${t.bodiesChecked} body digests checked` +
      (t.bodiesMasked > 0 ? ` (${t.bodiesMasked} of them masked, through their committed form)` : "") +
      (unchecked.length > 0 ? ` (not checkable: ${unchecked.join(", ")})` : ""),
  );

  if (!bytesEqual(root, cp.rootHash)) {
    throw new AuditFailure(
      "log root",
      "log root recomputed from the batch headers differs from the checkpoint's",
      rootHex,
      toHex(root),
    );
  }
  passed("log root", `recomputed from ${t.batches} batch headers = checkpoint root`);

  if (prev && prevRoot && prev.size > 0) {
    if (!snapshotRoot || !bytesEqual(snapshotRoot, prevRoot)) {
      throw new AuditFailure(
        "previous root",
        `root over the first ${prev.size} batch headers differs from the previously verified checkpoint's`,
        prev.root,
        snapshotRoot ? toHex(snapshotRoot) : "none",
      );
    }
    passed("previous root", `recomputed from the first ${prev.size} batch headers = saved root`);
  }

  return {
    origin: cp.origin,
    size: cp.size,
    root: rootHex,
    ...t,
    steps,
    state: {
      version: 1,
      origin: cp.origin,
      size: cp.size,
      root: rootHex,
      checkpoint: input.checkpoint,
      events: t.events,
      audited_at: input.now(),
    },
  };
}

/**
 * Checks a log over its public HTTP API from first principles (README: Integrity model): the
 * signed checkpoint, every sealed batch as exported — with the same auditor as `edgelog audit`
 * (src/core/audit over node:crypto): order, digests, bodies, batch roots, the log root over the
 * headers — plus unique event ids across the log, event proofs, and consistency between
 * checkpoints. Every failure names what was expected and what was found: a LogAuditError, or
 * the auditor's AuditFailure (which also names the batch, line, seq and id).
 */
import { checkBatch, LogTreeAudit } from "../../../../src/core/audit";
import { nodeHasher } from "../../../../src/cli/audit/node-hasher";
import { bytesEqual, fromHex, toHex, utf8 } from "../../../../src/core/bytes";
import { VerificationError } from "../../../../src/core/errors";
import { verifyEventProof, type EventProofDocument } from "../../../../src/core/event-proof";
import { verifyConsistency } from "../../../../src/core/merkle";
import { openNote, parseCheckpoint, type NoteVerifier } from "../../../../src/core/note";
import type { LogInfo } from "../../../../src/core/protocol";
import { getJson, getText, mapLimit, sleep, type Caller } from "./caller";

export class LogAuditError extends VerificationError {}

export interface SeenCheckpoint {
  size: number;
  root: Uint8Array;
  note: string;
}

export interface LogSnapshot {
  info: LogInfo;
  checkpoint: SeenCheckpoint | null;
  /** Every sequenced event: id → seq. */
  seqOf: Map<string, number>;
}

/** The tenant's log 0 as `GET /v1/logs` describes it. */
export async function logInfo(caller: Caller): Promise<LogInfo> {
  const { status, body } = await getJson<LogInfo[]>(caller, "/v1/logs");
  if (status !== 200)
    throw new LogAuditError("GET /v1/logs failed", "200", `${status} ${JSON.stringify(body)}`);
  const log = body.find((l) => l.log === "0");
  if (!log) throw new LogAuditError("GET /v1/logs has no log 0", "log 0", JSON.stringify(body));
  return log;
}

/** Polls `GET /v1/logs` until nothing is pending: acknowledged events must get sealed. */
export async function waitUntilSealed(caller: Caller, timeoutMs: number): Promise<LogInfo> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = await logInfo(caller);
    if (info.pending === 0) return info;
    if (Date.now() > deadline) {
      throw new LogAuditError(
        `events stay pending after ${timeoutMs} ms`,
        "0 pending",
        `${info.pending} of ${info.events}`,
      );
    }
    await sleep(100);
  }
}

/** The latest checkpoint, its signature verified; null while no batch is sealed. */
export async function readCheckpoint(caller: Caller, verifier: NoteVerifier): Promise<SeenCheckpoint | null> {
  const { status, body } = await getText(caller, "/v1/logs/0/checkpoint");
  if (status === 404) return null;
  if (status !== 200)
    throw new LogAuditError("GET checkpoint failed", "200", `${status} ${body.slice(0, 200)}`);
  const opened = await openNote(body, [verifier]);
  const cp = parseCheckpoint(opened.text);
  return { size: cp.size, root: cp.rootHash, note: body };
}

/**
 * Checks that `later` extends `earlier` (RFC 9162 §2.1.4.2) with the server's consistency proof.
 * Equal sizes must have equal roots: a log never signs two trees of one size.
 */
export async function checkConsistent(
  caller: Caller,
  earlier: SeenCheckpoint,
  later: SeenCheckpoint,
): Promise<void> {
  if (earlier.size > later.size) {
    throw new LogAuditError("the log shrank", `a tree of at least ${earlier.size} batches`, `${later.size}`);
  }
  if (earlier.size === later.size) {
    if (!bytesEqual(earlier.root, later.root)) {
      throw new LogAuditError(
        `two different roots signed for size ${later.size}`,
        toHex(earlier.root),
        toHex(later.root),
      );
    }
    return;
  }
  const { status, body } = await getJson<{ from: number; to: number; path: string[] }>(
    caller,
    `/v1/logs/0/consistency?from=${earlier.size}&to=${later.size}`,
  );
  if (status !== 200)
    throw new LogAuditError("GET consistency failed", "200", `${status} ${JSON.stringify(body)}`);
  verifyConsistency(earlier.size, later.size, earlier.root, later.root, body.path.map(fromHex));
}

/**
 * Audits the whole log. Precondition: the log is quiescent (no writer, nothing pending), so the
 * checkpoint, `GET /v1/logs` and the exports describe the same state.
 */
export async function auditLog(
  caller: Caller,
  verifier: NoteVerifier,
  concurrency = 8,
): Promise<LogSnapshot> {
  const info = await logInfo(caller);
  if (info.pending !== 0)
    throw new LogAuditError("audit needs a quiescent log", "0 pending", String(info.pending));
  const checkpoint = await readCheckpoint(caller, verifier);
  const size = checkpoint?.size ?? 0;
  if (size !== info.size)
    throw new LogAuditError("checkpoint size differs from GET /v1/logs", String(info.size), String(size));
  const batches = await mapLimit(
    Array.from({ length: size }, (_, n) => n),
    concurrency,
    async (n) => {
      const { status, body } = await getText(caller, `/v1/logs/0/batches/${n}`);
      if (status !== 200)
        throw new LogAuditError(`GET batch ${n} failed`, "200", `${status} ${body.slice(0, 200)}`);
      return utf8(body);
    },
  );
  const hasher = nodeHasher();
  const seqOf = new Map<string, number>();
  // Every id is kept here (the CLI keeps none): an event stored twice would show as one id at two seqs.
  const remember = (envelope: { id: string }, seq: number) => {
    const prior = seqOf.get(envelope.id);
    if (prior !== undefined)
      throw new LogAuditError(
        `event ${envelope.id} stored twice`,
        `once (seq ${prior})`,
        `again at seq ${seq}`,
      );
    seqOf.set(envelope.id, seq);
  };
  const tree = new LogTreeAudit(hasher, size);
  let firstSeq = 0;
  for (const [n, bytes] of batches.entries()) {
    const checked = await checkBatch(bytes, { origin: info.origin, batch: n, firstSeq }, hasher, remember);
    firstSeq = checked.header.first_seq + checked.header.count;
    tree.add(checked);
  }
  const { root } = tree.finish();
  if (tree.totals.events !== info.events) {
    throw new LogAuditError(
      "exported events differ from GET /v1/logs",
      String(info.events),
      String(tree.totals.events),
    );
  }
  if (checkpoint && !bytesEqual(root, checkpoint.root)) {
    throw new LogAuditError(
      "log root recomputed from the batch headers differs from the checkpoint",
      toHex(checkpoint.root),
      toHex(root),
    );
  }
  return { info, checkpoint, seqOf };
}

export interface EventDocument extends EventProofDocument {
  status: "sealed" | "pending";
}

/**
 * Fetches event `id`, waits up to `sealTimeoutMs` for it to be sealed, and verifies its proof
 * against the log's key. Returns the document and the checkpoint its proof is anchored to.
 */
export async function fetchVerifiedEvent(
  caller: Caller,
  id: string,
  verifier: NoteVerifier,
  sealTimeoutMs: number,
): Promise<{ doc: EventDocument; checkpoint: SeenCheckpoint }> {
  const deadline = Date.now() + sealTimeoutMs;
  for (;;) {
    const { status, body } = await getJson<EventDocument>(caller, `/v1/events/${id}`);
    if (status !== 200)
      throw new LogAuditError(
        `acknowledged event ${id} is not retrievable`,
        "200",
        `${status} ${JSON.stringify(body)}`,
      );
    if (body.envelope.id !== id)
      throw new LogAuditError("GET /v1/events answered another event", id, body.envelope.id);
    if (body.status === "sealed") {
      await verifyEventProof(body, verifier);
      const cp = parseCheckpoint((await openNote(body.proof!.checkpoint, [verifier])).text);
      return { doc: body, checkpoint: { size: cp.size, root: cp.rootHash, note: body.proof!.checkpoint } };
    }
    if (Date.now() > deadline)
      throw new LogAuditError(
        `event ${id} not sealed after ${sealTimeoutMs} ms`,
        "status sealed",
        body.status,
      );
    await sleep(100);
  }
}

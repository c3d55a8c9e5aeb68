/**
 * Checks one exported batch (`GET /v1/logs/{log}/batches/{n}`: the header line, then one line
 * per event) against the integrity model, keeping nothing but the header's leaf hash:
 *
 * - the header names this log and this batch, and continues the sequence of the previous one;
 * - event lines hold seq first_seq, first_seq+1, … exactly once and in order, and count them;
 * - each envelope belongs to this log and its digest is `sha256:<id>`;
 * - each retained, unmasked body hashes to its envelope's id (SHA-256 of the RFC 8785 canonical
 *   event); a masked body or a projection is not the event and cannot be checked this way;
 * - the batch root recomputed over the envelopes (RFC 9162 §2.1.1, leaf = SHA-256(0x00 ||
 *   canonical envelope)) is the header's root.
 *
 * The first disagreement throws a `CheckFailedError` naming the batch, line, seq and id.
 */
import { toHex } from "../../core/bytes";
import { merkleRoot } from "../../core/merkle";
import { CheckFailedError } from "../errors";
import { canonicalText, leafHashOfText, sha256HexOfText } from "./fast-hash";

import type { BatchHeader } from "../../core/batch-header";

export type { BatchHeader };

export interface Envelope {
  log: string;
  seq: number;
  id: string;
  digest: string;
  retained?: string;
  /** JSON pointers of masked members: the retained body is then not the logged event. */
  masked?: unknown;
  [field: string]: unknown;
}

export interface EventLine {
  envelope: Envelope;
  event: unknown;
}

export interface BatchExpectation {
  /** The log's origin, as signed in its checkpoint. */
  origin: string;
  /** The batch number: its leaf index in the log tree. */
  batch: number;
  /** The previous batch's first_seq + count (0 for batch 0); null when not known. */
  firstSeq: number | null;
}

export interface CheckedBatch {
  header: BatchHeader;
  /** RFC 9162 leaf hash of the canonical header: this batch's leaf in the log tree. */
  headerLeaf: Uint8Array;
  events: number;
  /** Retained bodies whose digest was checked. */
  bodiesChecked: number;
  /** Envelopes saying a body is retained whose body is absent (erased). */
  bodiesAbsent: number;
  /** Retained bodies with masked members: not checkable against the digest. */
  bodiesMasked: number;
  /** Events of which only a projection is retained. */
  projections: number;
}

const HEX64 = /^[0-9a-f]{64}$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

const isCount = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/** Checks one batch's NDJSON `text`; `onEvent` sees each event line after it passed. */
export function checkBatch(text: string, expected: BatchExpectation, onEvent?: (line: EventLine, seq: number) => void): CheckedBatch {
  const n = expected.batch;
  const fail = (step: string, message: string, want: string, found: string, where: Record<string, string | number> = {}) =>
    new CheckFailedError(step, message, want, found, { batch: n, ...where });

  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  if (lines.length === 0) throw fail("batch header", `batch ${n} is empty`, "a header line", "no lines");
  const header = parseHeader(lines[0]!, fail);
  if (header.log !== expected.origin) throw fail("batch header", `batch ${n} names another log`, expected.origin, header.log);
  if (header.batch !== n) throw fail("batch header", `batch ${n} has the wrong batch number`, String(n), String(header.batch));
  if (expected.firstSeq !== null && header.first_seq !== expected.firstSeq) {
    throw fail(
      "batch continuity",
      `batch ${n} does not start where batch ${n - 1} ended`,
      `first_seq ${expected.firstSeq}`,
      `first_seq ${header.first_seq}`,
    );
  }

  const first = header.first_seq;
  const leaves: Uint8Array[] = [];
  let bodiesChecked = 0;
  let bodiesAbsent = 0;
  let bodiesMasked = 0;
  let projections = 0;
  for (let i = 1; i < lines.length; i++) {
    const lineNo = i + 1;
    const want = first + i - 1;
    const line = parseEventLine(lines[i]!, (message, found) =>
      fail("event line", `batch ${n} line ${lineNo}: ${message}`, "{\"envelope\": {...}, \"event\": {...}|null}", found, { line: lineNo }),
    );
    const env = line.envelope;
    const where = { line: lineNo, seq: env.seq, id: env.id };
    if (env.seq !== want) throw orderFailure(lines, i, first, header.count, env.seq, fail, where);
    if (env.log !== expected.origin) throw fail("envelope", `event seq ${env.seq} names another log`, expected.origin, String(env.log), where);
    if (typeof env.id !== "string" || !HEX64.test(env.id)) {
      throw fail("envelope", `event seq ${env.seq} has a malformed id`, "64 lowercase hex digits", JSON.stringify(env.id), where);
    }
    if (env.digest !== `sha256:${env.id}`) {
      throw fail("envelope", `event seq ${env.seq}: digest does not match id`, `sha256:${env.id}`, String(env.digest), where);
    }
    if (env.retained === "projection") projections++;
    else if (env.retained === "body") {
      if (line.event === null || line.event === undefined) bodiesAbsent++;
      else if (Array.isArray(env.masked) && env.masked.length > 0) bodiesMasked++;
      else {
        const digest = sha256HexOfText(canonicalText(line.event));
        if (digest !== env.id) {
          throw fail("event body", `event seq ${env.seq}: retained body does not hash to the envelope's id`, env.id, digest, where);
        }
        bodiesChecked++;
      }
    }
    leaves.push(leafHashOfText(canonicalText(env)));
    onEvent?.(line, env.seq);
  }
  if (leaves.length !== header.count) {
    throw fail(
      "batch count",
      `batch ${n} holds ${leaves.length} event lines but its header counts ${header.count}` +
        (leaves.length < header.count ? ` (missing: seq ${first + leaves.length}..${first + header.count - 1})` : ""),
      `${header.count} events`,
      `${leaves.length} events`,
    );
  }
  const root = toHex(merkleRoot(leaves));
  if (root !== header.root) {
    throw fail("batch root", `batch ${n}: root recomputed from its ${leaves.length} envelopes differs from the header's`, header.root, root);
  }
  return { header, headerLeaf: leafHashOfText(canonicalText(header)), events: leaves.length, bodiesChecked, bodiesAbsent, bodiesMasked, projections };
}

type Fail = (step: string, message: string, want: string, found: string, where?: Record<string, string | number>) => CheckFailedError;

function parseHeader(text: string, fail: Fail): BatchHeader {
  let h: unknown;
  try {
    h = JSON.parse(text);
  } catch (err) {
    throw fail("batch header", `header line is not JSON: ${(err as Error).message}`, "a JSON object", text.slice(0, 80));
  }
  if (!isRecord(h)) throw fail("batch header", "header line is not an object", "a JSON object", text.slice(0, 80));
  const bad = (field: string, want: string) =>
    fail("batch header", `header field '${field}' is malformed`, want, JSON.stringify(h[field]) ?? "absent");
  if (typeof h.log !== "string") throw bad("log", "a string");
  if (!isCount(h.batch)) throw bad("batch", "a non-negative integer");
  if (!isCount(h.first_seq)) throw bad("first_seq", "a non-negative integer");
  if (!isCount(h.count) || h.count === 0) throw bad("count", "a positive integer");
  if (typeof h.root !== "string" || !HEX64.test(h.root)) throw bad("root", "64 lowercase hex digits");
  if (typeof h.sealed_at !== "string") throw bad("sealed_at", "an RFC 3339 timestamp");
  return h as BatchHeader;
}

function parseEventLine(text: string, fail: (message: string, found: string) => CheckFailedError): EventLine {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw fail(`not JSON: ${(err as Error).message}`, text.slice(0, 80));
  }
  if (!isRecord(v) || !isRecord(v.envelope)) throw fail("no envelope object", text.slice(0, 80));
  if (!isCount(v.envelope.seq)) throw fail("envelope seq is not a non-negative integer", JSON.stringify(v.envelope.seq) ?? "absent");
  return { envelope: v.envelope as Envelope, event: v.event };
}

/** Says what an unexpected seq means: a duplicate, a reordering, a missing row, or a stray event. */
function orderFailure(
  lines: readonly string[],
  i: number,
  first: number,
  count: number,
  found: number,
  fail: Fail,
  where: Record<string, string | number>,
): CheckFailedError {
  const want = first + i - 1;
  const lineNo = i + 1;
  if (found >= first && found < want) {
    // Every earlier line held its own seq (else we would have stopped there), so the first
    // holder of `found` is known without keeping a set.
    return fail("event order", `duplicate seq ${found} at line ${lineNo} (first at line ${found - first + 2})`, `seq ${want}`, `seq ${found}`, where);
  }
  if (found < first || found >= first + count) {
    return fail("event order", `line ${lineNo} holds seq ${found}, outside this batch's range ${first}..${first + count - 1}`, `seq ${want}`, `seq ${found}`, where);
  }
  const later = lines.slice(i + 1).findIndex((l) => seqOf(l) === want);
  const message =
    later >= 0
      ? `event lines out of order: line ${lineNo} holds seq ${found}, seq ${want} is at line ${lineNo + 1 + later}`
      : `event seq ${want} is missing: line ${lineNo} holds seq ${found}`;
  return fail("event order", message, `seq ${want}`, `seq ${found}`, where);
}

function seqOf(line: string): number | null {
  try {
    const v = JSON.parse(line) as { envelope?: { seq?: unknown } };
    return typeof v.envelope?.seq === "number" ? v.envelope.seq : null;
  } catch {
    return null;
  }
}

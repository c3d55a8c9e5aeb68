/**
 * Checks one exported batch (see `export-line.ts` for its byte form) against the integrity model
 * (docs/ARCHITECTURE.md, "Integrity model"), keeping nothing but the header's leaf hash:
 *
 * - the header names this log and this batch;
 * - event lines hold seq first_seq, first_seq+1, … exactly once and in order, and count them;
 * - each envelope belongs to this log, its id is 64 lowercase hex digits and its digest is
 *   `sha256:<id>`;
 * - each retained body B hashes to its envelope's id (the id is the SHA-256 of the RFC 8785
 *   canonical event, and the stored full body is that text). A masked body is checked against
 *   its committed form: the stored text itself when nothing was removed, else the body with each
 *   member of the envelope's `removed` put back as its commitment (src/core/commitment.ts,
 *   README "Masking and what each party can verify"). A projection is not the event and cannot
 *   be checked this way;
 * - the batch root recomputed over the envelope texts E (RFC 9162 §2.1.1, leaf =
 *   SHA-256(0x00 ‖ E)) is the header's root.
 *
 * Hashes are taken over the bytes as received: an envelope or body that is not in canonical
 * form fails its root or digest check, which is the intended strictness. The first
 * disagreement in line order throws an `AuditFailure` naming the batch, line, seq and id.
 * Whether the batch continues the previous one is for the caller (`LogTreeAudit`), so batches
 * can be checked in parallel.
 */
import { toHex, utf8 } from "../bytes";
import { LEAF_HASH_PREFIX } from "../merkle";
import { canonicalJson } from "../canonical";
import type { BatchHeader, Envelope } from "../protocol";
import { EVENT_ID_PATTERN, HASH_HEX_PATTERN } from "../protocol";
import { rebuildCommitted } from "../commitment";
import { CompactRange } from "./compact-range";
import { newEnvelopeMembers, scanEnvelope, type EnvelopeMembers } from "./envelope-scan";
import {
  ENVELOPE_OPEN_LENGTH,
  EVENT_MEMBER_LENGTH,
  isEventMember,
  isNullText,
  lineSpans,
  sliceEventLine,
  startsEventLine,
} from "./export-line";
import { AuditFailure, type AuditPlace } from "./failure";
import { rootInPlace, type AuditHasher } from "./hasher";
import { checkContinuity } from "./log-tree-audit";

export interface BatchExpectation {
  /** The log's origin, as signed in its checkpoint. */
  origin: string;
  /** The batch number: its leaf index in the log tree. */
  batch: number;
  /**
   * Where this batch must start: the previous batch's first_seq + count (0 for batch 0); null
   * or absent when not known here (`LogTreeAudit` checks it again in any case).
   */
  firstSeq?: number | null;
}

export interface CheckedBatch {
  header: BatchHeader;
  /** RFC 9162 leaf hash of the header line: this batch's leaf in the log tree. */
  headerLeaf: Uint8Array;
  events: number;
  /** Retained bodies whose digest was checked. */
  bodiesChecked: number;
  /** Envelopes saying a body is retained whose body is absent (erased). */
  bodiesAbsent: number;
  /** Of the bodies checked, those with masked members (checked through their committed form). */
  bodiesMasked: number;
  /** Events of which only a projection is retained. */
  projections: number;
}

/** Called once per event of a batch that passed every check, in seq order. */
export type EventVisitor = (envelope: Envelope, seq: number) => void;

const isCount = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const EXPECTED_LINE = '{"envelope":<RFC 8785 envelope>,"event":<retained content>|null}';

/** The text of `bytes[start, end)` for a message: at most 80 characters, never throwing. */
function excerpt(bytes: Uint8Array, start: number, end: number): string {
  return new TextDecoder().decode(bytes.subarray(start, Math.min(end, start + 80)));
}

/** Parses `bytes[start, end)` as JSON, or returns null (bad UTF-8 or not JSON). */
function parseJson(bytes: Uint8Array, start: number, end: number): unknown {
  try {
    return JSON.parse(decoder.decode(bytes.subarray(start, end)));
  } catch {
    return undefined;
  }
}

/**
 * Checks the batch `bytes` (the whole response body). Precondition: `hasher` computes SHA-256.
 *
 * @throws AuditFailure at the first disagreement.
 */
export async function checkBatch(
  bytes: Uint8Array,
  expected: BatchExpectation,
  hasher: AuditHasher,
  onEvent?: EventVisitor,
): Promise<CheckedBatch> {
  const n = expected.batch;
  const fail = (step: string, message: string, want: string, found: string, where: AuditPlace = {}) =>
    new AuditFailure(step, message, want, found, { batch: n, ...where });

  const { starts, ends } = lineSpans(bytes);
  if (starts.length === 0) throw fail("batch header", `batch ${n} is empty`, "a header line", "no lines");
  const header = parseHeader(bytes, starts[0]!, ends[0]!, fail);
  if (header.log !== expected.origin)
    throw fail("batch header", `batch ${n} names another log`, expected.origin, header.log);
  // The batch number, then continuity: a header that starts elsewhere explains every seq after it.
  checkContinuity(n, expected.firstSeq ?? null, header);

  const first = header.first_seq;
  const lines = starts.length - 1;
  // What the scan below finds, as offsets into `bytes` (one typed array each per batch, no
  // object per event). Line i (1-based) has its envelope E at leafStart/leafEnd[i − 1] and its
  // id at idAt[i − 1] (64 hex digits there) or, when the slow path read it, in slowIds.
  const leafStart = new Int32Array(lines);
  const leafEnd = new Int32Array(lines);
  const idAt = new Int32Array(lines);
  const slowIds = new Map<number, string>();
  /** Bodies to check against their envelope's id: line, then the span (or a rebuilt body). */
  const bodyLine = new Int32Array(lines);
  const bodyStart = new Int32Array(lines);
  const bodyEnd = new Int32Array(lines);
  const rebuilt = new Map<number, Uint8Array>();
  let bodyCount = 0;
  let scanned = 0;
  const envelopes: Envelope[] = [];
  let bodiesAbsent = 0;
  let bodiesMasked = 0;
  let projections = 0;
  let stop: AuditFailure | null = null;
  const originBytes = utf8(expected.origin);
  const m = newEnvelopeMembers();
  for (let i = 1; i <= lines; i++) {
    const start = starts[i]!;
    const end = ends[i]!;
    const want = first + i - 1;
    if (fastLine(bytes, start, end, want, originBytes, m)) {
      // The same checks as below, read from the bytes (see envelope-scan.ts).
      const envelopeStart = start + ENVELOPE_OPEN_LENGTH;
      const eventStart = m.end + EVENT_MEMBER_LENGTH;
      if (m.retained === "projection") projections++;
      else if (m.retained === "body") {
        if (isNullText(bytes, eventStart, end - 1)) bodiesAbsent++;
        else {
          if (m.masked) {
            bodiesMasked++;
            const envelope = parseJson(bytes, envelopeStart, m.end) as Record<string, unknown>;
            const body = committedBody(bytes, eventStart, end - 1, envelope.removed);
            if (typeof body === "string") {
              stop = fail(
                "event body",
                `event seq ${want}: masked body has no committed form`,
                REBUILDABLE,
                body,
                {
                  line: i + 1,
                  seq: want,
                  id: String(envelope.id),
                },
              );
              break;
            }
            rebuilt.set(bodyCount, body);
          }
          bodyLine[bodyCount] = i;
          bodyStart[bodyCount] = eventStart;
          bodyEnd[bodyCount++] = end - 1;
        }
      }
      leafStart[i - 1] = envelopeStart;
      leafEnd[i - 1] = m.end;
      idAt[i - 1] = m.idStart;
      scanned = i;
      if (onEvent)
        envelopes.push(JSON.parse(decoder.decode(bytes.subarray(envelopeStart, m.end))) as Envelope);
      continue;
    }
    const lineNo = i + 1;
    const slices = sliceEventLine(bytes, start, end);
    if (typeof slices === "string") {
      stop = fail(
        "event line",
        `batch ${n} line ${lineNo}: ${slices}`,
        EXPECTED_LINE,
        excerpt(bytes, start, end),
        { line: lineNo },
      );
      break;
    }
    const env = parseJson(bytes, slices.envelopeStart, slices.envelopeEnd);
    if (!isRecord(env)) {
      stop = fail(
        "event line",
        `batch ${n} line ${lineNo}: the envelope is not a JSON object`,
        EXPECTED_LINE,
        excerpt(bytes, start, end),
        {
          line: lineNo,
        },
      );
      break;
    }
    if (!isCount(env.seq)) {
      stop = fail(
        "event line",
        `batch ${n} line ${lineNo}: envelope seq is not a non-negative integer`,
        EXPECTED_LINE,
        JSON.stringify(env.seq) ?? "absent",
        {
          line: lineNo,
        },
      );
      break;
    }
    const seq = env.seq;
    const id = typeof env.id === "string" ? env.id : (JSON.stringify(env.id) ?? "absent");
    const where = { line: lineNo, seq, id };
    if (seq !== want) {
      stop = orderFailure(bytes, starts, ends, i, first, header.count, seq, fail, where);
      break;
    }
    if (env.log !== expected.origin) {
      stop = fail("envelope", `event seq ${seq} names another log`, expected.origin, String(env.log), where);
      break;
    }
    if (typeof env.id !== "string" || !EVENT_ID_PATTERN.test(env.id)) {
      stop = fail("envelope", `event seq ${seq} has a malformed id`, "64 lowercase hex digits", id, where);
      break;
    }
    if (env.digest !== `sha256:${env.id}`) {
      stop = fail(
        "envelope",
        `event seq ${seq}: digest does not match id`,
        `sha256:${env.id}`,
        String(env.digest),
        where,
      );
      break;
    }
    const absent = isNullText(bytes, slices.eventStart, slices.eventEnd);
    if (env.retained === "projection") projections++;
    else if (env.retained === "body") {
      if (absent) bodiesAbsent++;
      else {
        if (Array.isArray(env.masked) && env.masked.length > 0) {
          bodiesMasked++;
          const body = committedBody(bytes, slices.eventStart, slices.eventEnd, env.removed);
          if (typeof body === "string") {
            stop = fail(
              "event body",
              `event seq ${seq}: masked body has no committed form`,
              REBUILDABLE,
              body,
              where,
            );
            break;
          }
          rebuilt.set(bodyCount, body);
        }
        bodyLine[bodyCount] = i;
        bodyStart[bodyCount] = slices.eventStart;
        bodyEnd[bodyCount++] = slices.eventEnd;
      }
    }
    leafStart[i - 1] = slices.envelopeStart;
    leafEnd[i - 1] = slices.envelopeEnd;
    idAt[i - 1] = -1;
    slowIds.set(i - 1, env.id);
    scanned = i;
    if (onEvent) envelopes.push(env as unknown as Envelope);
  }

  // Bodies on lines before a structural failure are checked first: the earliest disagreement wins.
  const sha256Into = hasher.sha256Into;
  const bodyAt = (k: number): Uint8Array => rebuilt.get(k) ?? bytes.subarray(bodyStart[k], bodyEnd[k]);
  const digest = new Uint8Array(32);
  const digests = sha256Into
    ? null
    : await hasher.digests(Array.from({ length: bodyCount }, (_, k) => bodyAt(k)));
  for (let k = 0; k < bodyCount; k++) {
    let d: Uint8Array;
    if (digests) d = digests[k]!;
    else {
      const body = rebuilt.get(k);
      if (body) sha256Into!(body, 0, body.length, -1, digest, 0);
      else sha256Into!(bytes, bodyStart[k]!, bodyEnd[k]!, -1, digest, 0);
      d = digest;
    }
    const i = bodyLine[k]!;
    const at = idAt[i - 1]!;
    if (at >= 0 ? hexAt(bytes, at, d) : toHex(d) === slowIds.get(i - 1)) continue;
    const id = at >= 0 ? excerpt(bytes, at, at + 64) : slowIds.get(i - 1)!;
    const seq = first + i - 1;
    throw fail(
      "event body",
      `event seq ${seq}: retained body does not hash to the envelope's id`,
      id,
      toHex(d),
      { line: i + 1, seq, id },
    );
  }
  if (stop) throw stop;
  if (lines !== header.count) {
    throw fail(
      "batch count",
      `batch ${n} holds ${lines} event lines but its header counts ${header.count}` +
        (lines < header.count ? ` (missing: seq ${first + lines}..${first + header.count - 1})` : ""),
      `${header.count} events`,
      `${lines} events`,
    );
  }

  // Every line was scanned (no stop) and there is at least one (count ≥ 1).
  let root: Uint8Array;
  let headerLeaf: Uint8Array;
  if (sha256Into) {
    const hashes = new Uint8Array(32 * scanned);
    for (let j = 0; j < scanned; j++)
      sha256Into(bytes, leafStart[j]!, leafEnd[j]!, LEAF_HASH_PREFIX, hashes, 32 * j);
    rootInPlace(hashes, scanned, sha256Into);
    root = hashes.subarray(0, 32);
    headerLeaf = new Uint8Array(32);
    sha256Into(bytes, starts[0]!, ends[0]!, LEAF_HASH_PREFIX, headerLeaf, 0);
  } else {
    const leafData = Array.from({ length: scanned + 1 }, (_, j) =>
      j < scanned ? bytes.subarray(leafStart[j], leafEnd[j]) : bytes.subarray(starts[0], ends[0]),
    );
    const leaves = await hasher.hashLeaves(leafData);
    headerLeaf = leaves.pop()!;
    const range = new CompactRange(hasher.hashChildren);
    for (const leaf of leaves) range.append(leaf);
    root = range.root();
  }
  const rootHex = toHex(root);
  if (rootHex !== header.root) {
    const odd = firstNonCanonicalEnvelope(bytes, starts, ends);
    if (odd) {
      throw fail(
        "batch root",
        `batch ${n}: root recomputed from its ${lines} envelopes differs from the header's; ` +
          `the envelope on line ${odd.line} (seq ${odd.seq}) is not its RFC 8785 canonical text`,
        header.root,
        rootHex,
        odd,
      );
    }
    throw fail(
      "batch root",
      `batch ${n}: root recomputed from its ${lines} envelopes differs from the header's`,
      header.root,
      rootHex,
    );
  }
  if (onEvent) for (let k = 0; k < envelopes.length; k++) onEvent(envelopes[k]!, first + k);
  return {
    header,
    headerLeaf,
    events: lines,
    bodiesChecked: bodyCount,
    bodiesAbsent,
    bodiesMasked,
    projections,
  };
}

const REBUILDABLE = "a body whose removed members can be put back as their commitments";

/**
 * The bytes a masked body's SHA-256 must equal its id over: the stored text itself when the
 * envelope lists no `removed` member, else the RFC 8785 text of the body with each removed
 * member put back as its commitment. A string says why the body has no committed form.
 */
function committedBody(bytes: Uint8Array, start: number, end: number, removed: unknown): Uint8Array | string {
  if (removed === undefined) return bytes.subarray(start, end);
  if (typeof removed !== "object" || removed === null || Array.isArray(removed))
    return "the envelope's removed member is not an object";
  try {
    return utf8(
      canonicalJson(rebuildCommitted(parseJson(bytes, start, end), removed as Record<string, unknown>)),
    );
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

const HEX = Uint8Array.from("0123456789abcdef", (c) => c.charCodeAt(0));
const SHA256_PREFIX = Uint8Array.from("sha256:", (c) => c.charCodeAt(0));

/** True when `bytes[at, at + 64)` is the lowercase hex of the 32-byte `digest`. */
function hexAt(bytes: Uint8Array, at: number, digest: Uint8Array): boolean {
  for (let k = 0; k < 32; k++) {
    const d = digest[k]!;
    if (bytes[at + 2 * k] !== HEX[d >> 4] || bytes[at + 2 * k + 1] !== HEX[d & 15]) return false;
  }
  return true;
}

/** True when `bytes[s, e)` is 64 lowercase hex digits (EVENT_ID_PATTERN). */
function isLowerHex64(bytes: Uint8Array, s: number, e: number): boolean {
  if (e - s !== 64) return false;
  for (let k = s; k < e; k++) {
    const b = bytes[k]!;
    if (!((b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66))) return false;
  }
  return true;
}

/**
 * The fast path for one event line `bytes[start, end)`: true when it is of the export form, its
 * envelope scans (envelope-scan.ts) and every check of the slow path passes — seq `want`, log
 * `origin`, a well-formed id and `digest` = `sha256:<id>`. False sends the line to the slow
 * path, which decides it (and names what is wrong) exactly as before.
 */
function fastLine(
  bytes: Uint8Array,
  start: number,
  end: number,
  want: number,
  origin: Uint8Array,
  m: EnvelopeMembers,
): boolean {
  if (!startsEventLine(bytes, start, end)) return false;
  if (!scanEnvelope(bytes, start + ENVELOPE_OPEN_LENGTH, end, m)) return false;
  if (!isEventMember(bytes, m.end, end)) return false;
  if (m.seq !== want || m.logStart < 0 || m.idStart < 0 || m.digestStart < 0) return false;
  if (m.logEnd - m.logStart !== origin.length) return false;
  for (let k = 0; k < origin.length; k++) if (bytes[m.logStart + k] !== origin[k]) return false;
  if (!isLowerHex64(bytes, m.idStart, m.idEnd)) return false;
  if (m.digestEnd - m.digestStart !== SHA256_PREFIX.length + 64) return false;
  for (let k = 0; k < SHA256_PREFIX.length; k++)
    if (bytes[m.digestStart + k] !== SHA256_PREFIX[k]) return false;
  const d = m.digestStart + SHA256_PREFIX.length;
  for (let k = 0; k < 64; k++) if (bytes[d + k] !== bytes[m.idStart + k]) return false;
  return true;
}

type Fail = (step: string, message: string, want: string, found: string, where?: AuditPlace) => AuditFailure;

function parseHeader(bytes: Uint8Array, start: number, end: number, fail: Fail): BatchHeader {
  const h = parseJson(bytes, start, end);
  if (h === undefined)
    throw fail("batch header", "header line is not JSON", "a JSON object", excerpt(bytes, start, end));
  if (!isRecord(h))
    throw fail("batch header", "header line is not an object", "a JSON object", excerpt(bytes, start, end));
  const bad = (field: string, want: string) =>
    fail("batch header", `header field '${field}' is malformed`, want, JSON.stringify(h[field]) ?? "absent");
  if (typeof h.log !== "string") throw bad("log", "a string");
  if (!isCount(h.batch)) throw bad("batch", "a non-negative integer");
  if (!isCount(h.first_seq)) throw bad("first_seq", "a non-negative integer");
  if (!isCount(h.count) || h.count === 0) throw bad("count", "a positive integer");
  if (typeof h.root !== "string" || !HASH_HEX_PATTERN.test(h.root))
    throw bad("root", "64 lowercase hex digits");
  if (typeof h.sealed_at !== "string") throw bad("sealed_at", "an RFC 3339 timestamp");
  return h as BatchHeader;
}

/**
 * After a root mismatch, the first event line whose envelope bytes are not the RFC 8785 text of
 * the envelope they encode (such a leaf cannot be the one the log committed to), so the failure
 * can name it. Only this diagnosis re-serializes; the check itself hashes the bytes as received.
 */
function firstNonCanonicalEnvelope(
  bytes: Uint8Array,
  starts: readonly number[],
  ends: readonly number[],
): { line: number; seq: number; id: string } | null {
  for (let i = 1; i < starts.length; i++) {
    const slices = sliceEventLine(bytes, starts[i]!, ends[i]!);
    if (typeof slices === "string") continue;
    const text = decoder.decode(bytes.subarray(slices.envelopeStart, slices.envelopeEnd));
    const env = JSON.parse(text) as Record<string, unknown>;
    let canonical: string | null;
    try {
      canonical = canonicalJson(env);
    } catch {
      canonical = null;
    }
    if (canonical !== text) return { line: i + 1, seq: env.seq as number, id: String(env.id) };
  }
  return null;
}

/**
 * Where the batch `bytes` says it starts and how many events it counts, read from its header
 * line without checking anything else; null when the header is not readable. For handing
 * batches to parallel checks with the `firstSeq` each must have: a header that lies is caught
 * by its own batch's check, which comes first in log order.
 */
export function peekSpan(bytes: Uint8Array): { firstSeq: number; count: number } | null {
  let end = bytes.indexOf(0x0a);
  if (end < 0) end = bytes.length;
  const h = parseJson(bytes, 0, end);
  return isRecord(h) && isCount(h.first_seq) && isCount(h.count)
    ? { firstSeq: h.first_seq, count: h.count }
    : null;
}

/** The seq of the event line `bytes[start, end)`, or null when it has none. */
function seqOf(bytes: Uint8Array, start: number, end: number): number | null {
  const slices = sliceEventLine(bytes, start, end);
  if (typeof slices === "string") return null;
  const env = parseJson(bytes, slices.envelopeStart, slices.envelopeEnd);
  return isRecord(env) && isCount(env.seq) ? env.seq : null;
}

/** Says what an unexpected seq means: a duplicate, a reordering, a missing line, or a stray event. */
function orderFailure(
  bytes: Uint8Array,
  starts: readonly number[],
  ends: readonly number[],
  i: number,
  first: number,
  count: number,
  found: number,
  fail: Fail,
  where: AuditPlace,
): AuditFailure {
  const want = first + i - 1;
  const lineNo = i + 1;
  if (found >= first && found < want) {
    // Every earlier line held its own seq (else the check would have stopped there), so the
    // first holder of `found` is known without keeping a set.
    return fail(
      "event order",
      `duplicate seq ${found} at line ${lineNo} (first at line ${found - first + 2})`,
      `seq ${want}`,
      `seq ${found}`,
      where,
    );
  }
  if (found < first || found >= first + count) {
    return fail(
      "event order",
      `line ${lineNo} holds seq ${found}, outside this batch's range ${first}..${first + count - 1}`,
      `seq ${want}`,
      `seq ${found}`,
      where,
    );
  }
  let later = -1;
  for (let j = i + 1; j < starts.length && later < 0; j++)
    if (seqOf(bytes, starts[j]!, ends[j]!) === want) later = j;
  const message =
    later >= 0
      ? `event lines out of order: line ${lineNo} holds seq ${found}, seq ${want} is at line ${later + 1}`
      : `event seq ${want} is missing: line ${lineNo} holds seq ${found}`;
  return fail("event order", message, `seq ${want}`, `seq ${found}`, where);
}

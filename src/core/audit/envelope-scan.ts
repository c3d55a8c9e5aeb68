/**
 * Reads the few top-level members of an exported envelope that a batch check compares (seq,
 * log, id, digest, retained, masked) straight from its bytes, without decoding the text or
 * building an object: the audit's fast path.
 *
 * The scanner accepts a strict subset of JSON (RFC 8259 §2–§7): no insignificant whitespace,
 * no escape inside a member name or inside the string values it reads, and `seq` as plain
 * digits — which every RFC 8785 canonical envelope satisfies. Everything it walks past is
 * checked against the JSON grammar, strings included (escapes, control characters, and UTF-8
 * well-formedness per RFC 3629 §4, as a fatal `TextDecoder` would), so an envelope it accepts is
 * one `JSON.parse` would accept, and the members it reports are the ones `JSON.parse` would
 * give. Anything outside the subset (whitespace, escapes where values are read, duplicate
 * members it reads, a member named `event` at any depth, nesting deeper than 32) makes it
 * answer false, and the caller falls back to `JSON.parse`, so the fast path never decides a
 * case the slow one would decide differently.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const MAX_DEPTH = 32;

/** What `scanEnvelope` reports: offsets into the scanned bytes, −1 when the member is absent. */
export interface EnvelopeMembers {
  /** Offset just past the envelope's closing brace. */
  end: number;
  /** The value of `seq` (−1 when absent). */
  seq: number;
  /** `log`'s string content (between the quotes). */
  logStart: number;
  logEnd: number;
  /** `id`'s string content. */
  idStart: number;
  idEnd: number;
  /** `digest`'s string content. */
  digestStart: number;
  digestEnd: number;
  /** `retained`: "body", "projection", or anything else. */
  retained: "body" | "projection" | "other";
  /** `masked` is a non-empty array. */
  masked: boolean;
}

export function newEnvelopeMembers(): EnvelopeMembers {
  return {
    end: -1,
    seq: -1,
    logStart: -1,
    logEnd: -1,
    idStart: -1,
    idEnd: -1,
    digestStart: -1,
    digestEnd: -1,
    retained: "other",
    masked: false,
  };
}

/** 1 for the bytes a JSON string holds as they are: 0x20–0x7f except `"` and `\`. */
const PLAIN = new Uint8Array(256);
for (let b = 0x20; b < 0x80; b++) PLAIN[b] = b === QUOTE || b === BACKSLASH ? 0 : 1;

/** Set by `stringEnd`: whether the string just skipped held an escape. */
let escaped = false;

/**
 * The offset just past the string starting at `bytes[i]` (a quote), or −1 when it is not a
 * well-formed JSON string of valid UTF-8 before `limit`.
 */
function stringEnd(bytes: Uint8Array, i: number, limit: number): number {
  escaped = false;
  i++;
  while (i < limit) {
    // Most bytes of a string are printable ASCII other than `"` and `\`: one table look-up each.
    while (i < limit && PLAIN[bytes[i]!] === 1) i++;
    if (i >= limit) return -1;
    const b = bytes[i]!;
    if (b === QUOTE) return i + 1;
    if (b < 0x20) return -1;
    if (b === BACKSLASH) {
      escaped = true;
      const e = bytes[i + 1];
      if (e === 0x75 /* u */) {
        if (i + 6 > limit) return -1;
        for (let k = i + 2; k < i + 6; k++) if (!isHexDigit(bytes[k]!)) return -1;
        i += 6;
      } else if (
        e === QUOTE ||
        e === BACKSLASH ||
        e === 0x2f /* / */ ||
        e === 0x62 /* b */ ||
        e === 0x66 /* f */ ||
        e === 0x6e /* n */ ||
        e === 0x72 /* r */ ||
        e === 0x74 /* t */
      ) {
        i += 2;
      } else return -1;
    } else if (b < 0x80) i++;
    else {
      i = utf8SequenceEnd(bytes, i, limit);
      if (i < 0) return -1;
    }
  }
  return -1;
}

const isHexDigit = (b: number) =>
  (b >= ZERO && b <= NINE) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46);
const isContinuation = (b: number | undefined) => b !== undefined && b >= 0x80 && b <= 0xbf;

/** RFC 3629 §4: the end of the multi-byte sequence starting at `bytes[i]`, or −1 when ill-formed. */
function utf8SequenceEnd(bytes: Uint8Array, i: number, limit: number): number {
  const b = bytes[i]!;
  let n: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (b >= 0xc2 && b <= 0xdf) n = 1;
  else if (b >= 0xe0 && b <= 0xef) {
    n = 2;
    if (b === 0xe0) lo = 0xa0;
    else if (b === 0xed) hi = 0x9f;
  } else if (b >= 0xf0 && b <= 0xf4) {
    n = 3;
    if (b === 0xf0) lo = 0x90;
    else if (b === 0xf4) hi = 0x8f;
  } else return -1;
  if (i + n >= limit) return -1;
  const second = bytes[i + 1]!;
  if (second < lo || second > hi) return -1;
  for (let k = 2; k <= n; k++) if (!isContinuation(bytes[i + k])) return -1;
  return i + n + 1;
}

/** The offset just past the number starting at `bytes[i]`, or −1 (RFC 8259 §6). */
function numberEnd(bytes: Uint8Array, i: number, limit: number): number {
  if (bytes[i] === MINUS) i++;
  if (i >= limit) return -1;
  if (bytes[i] === ZERO) i++;
  else if (bytes[i]! >= 0x31 && bytes[i]! <= NINE) {
    while (i < limit && bytes[i]! >= ZERO && bytes[i]! <= NINE) i++;
  } else return -1;
  if (i < limit && bytes[i] === DOT) {
    const from = ++i;
    while (i < limit && bytes[i]! >= ZERO && bytes[i]! <= NINE) i++;
    if (i === from) return -1;
  }
  if (i < limit && (bytes[i] === 0x65 || bytes[i] === 0x45)) {
    i++;
    if (i < limit && (bytes[i] === PLUS || bytes[i] === MINUS)) i++;
    const from = i;
    while (i < limit && bytes[i]! >= ZERO && bytes[i]! <= NINE) i++;
    if (i === from) return -1;
  }
  return i;
}

const TRUE = [0x74, 0x72, 0x75, 0x65];
const FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65];
const NULL = [0x6e, 0x75, 0x6c, 0x6c];

function literalEnd(bytes: Uint8Array, i: number, limit: number, word: readonly number[]): number {
  if (i + word.length > limit) return -1;
  for (let k = 0; k < word.length; k++) if (bytes[i + k] !== word[k]) return -1;
  return i + word.length;
}

/** The offset just past the value starting at `bytes[i]`, or −1. */
function valueEnd(bytes: Uint8Array, i: number, limit: number, depth: number): number {
  if (i >= limit) return -1;
  const b = bytes[i]!;
  if (b === QUOTE) return stringEnd(bytes, i, limit);
  if (b === OPEN_BRACE) return objectEnd(bytes, i, limit, depth + 1);
  if (b === OPEN_BRACKET) return arrayEnd(bytes, i, limit, depth + 1);
  if (b === 0x74) return literalEnd(bytes, i, limit, TRUE);
  if (b === 0x66) return literalEnd(bytes, i, limit, FALSE);
  if (b === 0x6e) return literalEnd(bytes, i, limit, NULL);
  return numberEnd(bytes, i, limit);
}

function arrayEnd(bytes: Uint8Array, i: number, limit: number, depth: number): number {
  if (depth > MAX_DEPTH) return -1;
  i++;
  if (bytes[i] === CLOSE_BRACKET) return i + 1;
  for (;;) {
    i = valueEnd(bytes, i, limit, depth);
    if (i < 0 || i >= limit) return -1;
    const b = bytes[i];
    if (b === CLOSE_BRACKET) return i + 1;
    if (b !== COMMA) return -1;
    i++;
  }
}

/** True when `bytes[start, end)` is the member name `event` (5 letters). */
function isEventName(bytes: Uint8Array, start: number, end: number): boolean {
  return (
    end - start === 5 &&
    bytes[start] === 0x65 &&
    bytes[start + 1] === 0x76 &&
    bytes[start + 2] === 0x65 &&
    bytes[start + 3] === 0x6e &&
    bytes[start + 4] === 0x74
  );
}

/** A nested object: every member name unescaped-or-not, but never `event`. */
function objectEnd(bytes: Uint8Array, i: number, limit: number, depth: number): number {
  if (depth > MAX_DEPTH) return -1;
  i++;
  if (bytes[i] === CLOSE_BRACE) return i + 1;
  for (;;) {
    if (bytes[i] !== QUOTE) return -1;
    const keyEnd = stringEnd(bytes, i, limit);
    if (keyEnd < 0 || escaped || isEventName(bytes, i + 1, keyEnd - 1)) return -1;
    if (bytes[keyEnd] !== COLON) return -1;
    i = valueEnd(bytes, keyEnd + 1, limit, depth);
    if (i < 0 || i >= limit) return -1;
    const b = bytes[i];
    if (b === CLOSE_BRACE) return i + 1;
    if (b !== COMMA) return -1;
    i++;
  }
}

// The member names the audit reads, as small numbers (bits of a "seen" mask).
const OTHER = 0;
const SEQ = 1;
const LOG = 2;
const ID = 3;
const DIGEST = 4;
const RETAINED = 5;
const MASKED = 6;

function nameOf(bytes: Uint8Array, s: number, e: number): number {
  // No closure or string per call: this runs for every member of every envelope. The first
  // byte rules out the other members of the same length (schema, producer, …) at once.
  const b = bytes[s];
  switch (e - s) {
    case 2:
      return b === 0x69 /* i */ && sameAscii(bytes, s, e, "id") ? ID : OTHER;
    case 3:
      if (b === 0x73 /* s */) return sameAscii(bytes, s, e, "seq") ? SEQ : OTHER;
      return b === 0x6c /* l */ && sameAscii(bytes, s, e, "log") ? LOG : OTHER;
    case 6:
      if (b === 0x64 /* d */) return sameAscii(bytes, s, e, "digest") ? DIGEST : OTHER;
      return b === 0x6d /* m */ && sameAscii(bytes, s, e, "masked") ? MASKED : OTHER;
    case 8:
      return b === 0x72 /* r */ && sameAscii(bytes, s, e, "retained") ? RETAINED : OTHER;
    default:
      return OTHER;
  }
}

/** The plain decimal integer `bytes[s, e)` (at most 15 digits, no leading zero), or −1. */
function plainCount(bytes: Uint8Array, s: number, e: number): number {
  if (e - s < 1 || e - s > 15 || (bytes[s] === ZERO && e - s > 1)) return -1;
  let v = 0;
  for (let k = s; k < e; k++) {
    const d = bytes[k]! - ZERO;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

function sameAscii(bytes: Uint8Array, s: number, e: number, text: string): boolean {
  if (e - s !== text.length) return false;
  for (let k = 0; k < text.length; k++) if (bytes[s + k] !== text.charCodeAt(k)) return false;
  return true;
}

/**
 * Scans the envelope object starting at `bytes[start]` (which must be `{`), ending before
 * `limit`, into `out`. Returns false when the bytes are outside the subset described above
 * (then `out` is meaningless and the caller must parse the envelope as JSON instead).
 */
export function scanEnvelope(bytes: Uint8Array, start: number, limit: number, out: EnvelopeMembers): boolean {
  out.seq = out.logStart = out.idStart = out.digestStart = -1;
  out.retained = "other";
  out.masked = false;
  if (bytes[start] !== OPEN_BRACE) return false;
  let seen = 0;
  let i = start + 1;
  if (bytes[i] === CLOSE_BRACE) {
    out.end = i + 1;
    return true;
  }
  for (;;) {
    if (bytes[i] !== QUOTE) return false;
    const keyEnd = stringEnd(bytes, i, limit);
    if (keyEnd < 0 || escaped || bytes[keyEnd] !== COLON) return false;
    const name = nameOf(bytes, i + 1, keyEnd - 1);
    if (name === OTHER && isEventName(bytes, i + 1, keyEnd - 1)) return false;
    const v = keyEnd + 1;
    const ve = valueEnd(bytes, v, limit, 1);
    if (ve < 0 || ve >= limit) return false;
    if (name !== OTHER) {
      // A repeated member: JSON.parse keeps the last one; leave that to it.
      if (seen & (1 << name)) return false;
      seen |= 1 << name;
      const isString = bytes[v] === QUOTE;
      // A string value read below must be compared byte for byte: no escapes.
      if (isString && escaped) return false;
      switch (name) {
        case SEQ:
          out.seq = plainCount(bytes, v, ve);
          if (out.seq < 0) return false;
          break;
        case LOG:
          if (!isString) return false;
          out.logStart = v + 1;
          out.logEnd = ve - 1;
          break;
        case ID:
          if (!isString) return false;
          out.idStart = v + 1;
          out.idEnd = ve - 1;
          break;
        case DIGEST:
          if (!isString) return false;
          out.digestStart = v + 1;
          out.digestEnd = ve - 1;
          break;
        case RETAINED:
          out.retained = !isString
            ? "other"
            : sameAscii(bytes, v + 1, ve - 1, "body")
              ? "body"
              : sameAscii(bytes, v + 1, ve - 1, "projection")
                ? "projection"
                : "other";
          break;
        case MASKED:
          out.masked = bytes[v] === OPEN_BRACKET && bytes[v + 1] !== CLOSE_BRACKET;
          break;
      }
    }
    const b = bytes[ve];
    if (b === CLOSE_BRACE) {
      out.end = ve + 1;
      return true;
    }
    if (b !== COMMA) return false;
    i = ve + 1;
  }
}

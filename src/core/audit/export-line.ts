/**
 * The byte form of a batch export (`GET /v1/logs/{log}/batches/{n}`, README "HTTP API"): NDJSON
 * whose line 1 is the batch header's RFC 8785 text and whose every further line is exactly
 *
 *     {"envelope":E,"event":B}
 *
 * where E is the envelope's RFC 8785 text (the leaf data) and B the retained content's stored
 * text or `null`. An auditor hashes the slices E and B as received, never a re-serialization,
 * so this module only finds where they are; nothing here copies or decodes them.
 */

const NEWLINE = 0x0a;
const COMMA = 0x2c;
const CLOSE_BRACE = 0x7d;
const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
/** `{"envelope":` — every event line starts with these 12 bytes. */
const ENVELOPE_OPEN = ascii('{"envelope":');
/** `,"event":` — what separates E from B. It cannot occur inside a JSON string (an unescaped `"`). */
const EVENT_MEMBER = ascii(',"event":');
const NULL_TEXT = ascii("null");

export const ENVELOPE_OPEN_LENGTH = ENVELOPE_OPEN.length;
export const EVENT_MEMBER_LENGTH = EVENT_MEMBER.length;

/**
 * True when the line `bytes[start, end)` starts with `{"envelope":` and ends with `}` (what
 * `sliceEventLine` checks before it looks for the separator).
 */
export function startsEventLine(bytes: Uint8Array, start: number, end: number): boolean {
  return (
    end - start >= ENVELOPE_OPEN.length + EVENT_MEMBER.length + 3 &&
    bytes[end - 1] === CLOSE_BRACE &&
    startsWith(bytes, start, ENVELOPE_OPEN)
  );
}

/** True when `,"event":` is at `bytes[at]` and ends before the line's closing brace at `end - 1`. */
export function isEventMember(bytes: Uint8Array, at: number, end: number): boolean {
  return at + EVENT_MEMBER.length <= end - 1 && startsWith(bytes, at, EVENT_MEMBER);
}

/** Start and end (exclusive, before the newline) of every non-empty line of `bytes`. */
export function lineSpans(bytes: Uint8Array): { starts: number[]; ends: number[] } {
  const starts: number[] = [];
  const ends: number[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(NEWLINE, start);
    if (end < 0) end = bytes.length;
    if (end > start) {
      starts.push(start);
      ends.push(end);
    }
    start = end + 1;
  }
  return { starts, ends };
}

/** Where E and B are in one event line, as offsets into the batch bytes. */
export interface EventLineSlices {
  envelopeStart: number;
  envelopeEnd: number;
  eventStart: number;
  eventEnd: number;
}

/**
 * Locates E and B in the line `bytes[start, end)`, or returns a reason why the line is not of
 * the export form. E ends at the first `,"event":`: an envelope has no member named `event`
 * at any depth, and the sequence cannot occur inside a string. Whether E is canonical is not
 * checked here: a non-canonical E simply hashes to another leaf.
 */
export function sliceEventLine(bytes: Uint8Array, start: number, end: number): EventLineSlices | string {
  if (
    end - start < ENVELOPE_OPEN.length + EVENT_MEMBER.length + 3 ||
    !startsWith(bytes, start, ENVELOPE_OPEN)
  ) {
    return 'the line does not start with {"envelope":';
  }
  if (bytes[end - 1] !== CLOSE_BRACE) return "the line does not end with }";
  const from = start + ENVELOPE_OPEN.length;
  for (let i = bytes.indexOf(COMMA, from); i >= 0 && i < end; i = bytes.indexOf(COMMA, i + 1)) {
    if (startsWith(bytes, i, EVENT_MEMBER)) {
      return { envelopeStart: from, envelopeEnd: i, eventStart: i + EVENT_MEMBER.length, eventEnd: end - 1 };
    }
  }
  return 'no ,"event": member after the envelope';
}

/** True when `bytes[start, end)` is the literal `null`. */
export function isNullText(bytes: Uint8Array, start: number, end: number): boolean {
  return end - start === NULL_TEXT.length && startsWith(bytes, start, NULL_TEXT);
}

function startsWith(bytes: Uint8Array, at: number, prefix: Uint8Array): boolean {
  if (at + prefix.length > bytes.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false;
  return true;
}

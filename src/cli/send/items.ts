/**
 * Splits an input file into events to upload, keeping where each came from for error reports.
 * NDJSON lines are sent exactly as written (the server parses each line on its own and rejects
 * only a bad one); elements of a JSON array are re-serialized, which changes no event id since
 * ids are digests of the RFC 8785 canonical form.
 *
 * Before anything is sent, the text of each event is checked against I-JSON (RFC 7493) with the
 * server's own scanner: duplicate member names, numbers a double does not hold exactly (which
 * re-serializing a JSON document would silently change) and lone surrogates are refused here,
 * with the messages the server would answer. A leading UTF-8 byte-order mark is ignored, as the
 * server ignores it (RFC 8259 §8.1).
 */
import { findIJsonViolations, type ItemViolation } from "../../core/ijson";
import { InputError } from "../errors";
import type { ItemOutcome } from "./upload";

export interface SendItem {
  /** Position among the input's events, from 0: what the summary reports. */
  index: number;
  /** 1-based line of an NDJSON input; null for a JSON document. */
  line: number | null;
  /** The event's JSON text, one line. */
  text: string;
  /** UTF-8 length of `text`. */
  bytes: number;
  /** I-JSON problems found before sending; such an item is reported rejected and not sent. */
  errors?: Array<{ path: string; message: string }>;
}

export type InputFormat = "ndjson" | "json";

/** .json → a JSON document; .ndjson/.jsonl → lines; otherwise (stdin) whichever parses. */
export function detectFormat(name: string, text: string): InputFormat {
  if (/\.json$/i.test(name)) return "json";
  if (/\.(ndjson|jsonl)$/i.test(name)) return "ndjson";
  const start = text.trimStart()[0];
  if (start === "[") return "json";
  try {
    JSON.parse(text);
    return "json";
  } catch {
    return "ndjson";
  }
}

export function parseItems(input: string, format: InputFormat, what: string): SendItem[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  if (format === "ndjson") {
    const items: SendItem[] = [];
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const t = lines[i]!.trim();
      if (t.length === 0) continue;
      const item: SendItem = { index: items.length, line: i + 1, text: t, bytes: Buffer.byteLength(t) };
      // A line that is not JSON is sent as it is: the server says what is wrong with it.
      if (parses(t)) withErrors(item, findIJsonViolations(t, { arrayOfItems: false }));
      items.push(item);
    }
    return items;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InputError(
      `${what} is not valid JSON: ${(err as Error).message} (NDJSON files should end in .ndjson)`,
    );
  }
  const isList = Array.isArray(value);
  const list: unknown[] = isList ? (value as unknown[]) : [value];
  const problems = findIJsonViolations(text, { arrayOfItems: isList });
  return list.map((v, index) => {
    const t = JSON.stringify(v);
    const item: SendItem = { index, line: null, text: t, bytes: Buffer.byteLength(t) };
    withErrors(
      item,
      problems.filter((p) => p.item === index),
    );
    return item;
  });
}

/** The outcome of an item refused before sending (it carries `errors`). */
export function refusedBeforeSending(item: SendItem): ItemOutcome {
  return {
    index: item.index,
    line: item.line,
    status: "rejected",
    id: null,
    seq: null,
    conflict: false,
    errors: item.errors ?? [],
  };
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function withErrors(item: SendItem, found: readonly ItemViolation[]): void {
  if (found.length > 0) item.errors = found.map((v) => ({ path: v.pointer, message: v.message }));
}

/**
 * Groups items into requests of at most `maxEvents` events and `maxBytes` bytes of NDJSON
 * (an event larger than `maxBytes` goes alone; the server then answers for it).
 */
export function chunkItems(items: readonly SendItem[], maxEvents: number, maxBytes: number): SendItem[][] {
  const chunks: SendItem[][] = [];
  let current: SendItem[] = [];
  let size = 0;
  for (const item of items) {
    const add = item.bytes + 1;
    if (current.length > 0 && (current.length >= maxEvents || size + add > maxBytes)) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += add;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

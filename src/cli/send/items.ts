/**
 * Splits an input file into events to upload, keeping where each came from for error reports.
 * NDJSON lines are sent exactly as written (the server parses each line on its own and rejects
 * only a bad one); elements of a JSON array are re-serialized, which changes no event id since
 * ids are digests of the RFC 8785 canonical form.
 */
import { InputError } from "../errors";

export interface SendItem {
  /** Position among the input's events, from 0: what the summary reports. */
  index: number;
  /** 1-based line of an NDJSON input; null for a JSON document. */
  line: number | null;
  /** The event's JSON text, one line. */
  text: string;
  /** UTF-8 length of `text`. */
  bytes: number;
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

export function parseItems(text: string, format: InputFormat, what: string): SendItem[] {
  if (format === "ndjson") {
    const items: SendItem[] = [];
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const t = lines[i]!.trim();
      if (t.length > 0) items.push({ index: items.length, line: i + 1, text: t, bytes: Buffer.byteLength(t) });
    }
    return items;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${what} is not valid JSON: ${(err as Error).message} (NDJSON files should end in .ndjson)`);
  }
  const list = Array.isArray(value) ? value : [value];
  return list.map((v, index) => {
    const t = JSON.stringify(v);
    return { index, line: null, text: t, bytes: Buffer.byteLength(t) };
  });
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

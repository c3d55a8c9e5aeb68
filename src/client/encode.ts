/** Serialization of events into request bodies (NDJSON, optionally gzip). */
import { EventTooLargeError } from "./errors";
import { assertSendable } from "./ijson-guard";

const encoder = new TextEncoder();

/** One event as it will travel: its JSON line and that line's UTF-8 size. */
export interface EncodedEvent {
  line: string;
  bytes: number;
}

/**
 * Serializes `event` once, when it is logged: the bytes sent are the event as it was at that
 * moment, whatever the caller does to the object afterwards.
 *
 * @throws UnsendableEventError when JSON cannot carry the event exactly (I-JSON, RFC 7493).
 * @throws EventTooLargeError when the JSON exceeds `maxEventBytes`.
 * @throws TypeError when the value has no JSON form (a cycle, a bigint) or is not an object.
 */
export function encodeEvent(event: object, maxEventBytes: number): EncodedEvent {
  if (event === null || typeof event !== "object" || Array.isArray(event)) {
    throw new TypeError("an event must be a JSON object");
  }
  assertSendable(event);
  const line = JSON.stringify(event);
  // UTF-8 takes 1 to 3 bytes per UTF-16 unit: count exactly only when it can matter.
  const bytes = line.length * 3 <= maxEventBytes ? utf8Length(line) : encoder.encode(line).length;
  if (bytes > maxEventBytes) throw new EventTooLargeError(maxEventBytes, bytes);
  return { line, bytes };
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** Bodies smaller than this are sent as they are: gzip would save little and cost CPU. */
export const GZIP_MIN_BYTES = 1024;

export interface EncodedBody {
  body: Uint8Array;
  headers: Record<string, string>;
  gzip: boolean;
}

/** NDJSON body of `lines` (one event per line), gzip-compressed when asked and worth it. */
export async function encodeBody(lines: readonly string[], gzip: boolean): Promise<EncodedBody> {
  const text = lines.join("\n") + "\n";
  const raw = encoder.encode(text);
  const headers: Record<string, string> = { "content-type": "application/x-ndjson" };
  if (!gzip || raw.length < GZIP_MIN_BYTES) return { body: raw, headers, gzip: false };
  headers["content-encoding"] = "gzip";
  return { body: await gzipBytes(raw), headers, gzip: true };
}

/** Whether this runtime offers `CompressionStream` (Workers, Node 18+, current browsers). */
export function canGzip(): boolean {
  return typeof (globalThis as { CompressionStream?: unknown }).CompressionStream === "function";
}

async function gzipBytes(raw: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([raw]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * The batch export format, which is also the stored form (README: Storage):
 *
 *     <batch header, RFC 8785 text>\n
 *     {"envelope":<envelope, RFC 8785 text>,"event":<retained content as stored, or null>}\n
 *     … one line per event, in seq order
 *
 * A pending request slice is its event lines; a sealed batch's bundle is the gzip (RFC 1952)
 * of its whole export, so `GET /v1/logs/{log}/batches/{n}` and the R2 archive serve it as
 * stored. The envelope text is the Merkle leaf data, and a full unmasked body's text is the
 * event's RFC 8785 form, whose SHA-256 is the envelope's digest: a reader hashes the bytes it
 * receives.
 */

const ENVELOPE_PREFIX = '{"envelope":';
/** Envelopes have no member named "event", and a quote inside a JSON string is escaped, so the first match is the separator. */
const EVENT_SEPARATOR = ',"event":';

/** One event line (without its newline). Precondition: both texts are canonical JSON. */
export function eventLine(envelope: string, body: string | null): string {
  return `${ENVELOPE_PREFIX}${envelope}${EVENT_SEPARATOR}${body ?? "null"}}`;
}

/** A line's envelope text and retained content text (null when none is kept). */
export function splitLine(line: string): { envelope: string; body: string | null } {
  const at = line.indexOf(EVENT_SEPARATOR);
  if (!line.startsWith(ENVELOPE_PREFIX) || at < 0 || !line.endsWith("}")) {
    throw new Error(`not an event line of the batch format: ${line.slice(0, 80)}`);
  }
  const body = line.slice(at + EVENT_SEPARATOR.length, -1);
  return { envelope: line.slice(ENVELOPE_PREFIX.length, at), body: body === "null" ? null : body };
}

/** The line with its retained content removed (erasure, retention, offloading). */
export function lineWithoutBody(line: string): string {
  return eventLine(splitLine(line).envelope, null);
}

const NO_BODY_TAIL = `${EVENT_SEPARATOR}null}\n`;

/**
 * A batch's export text (header line, then event lines, each ending in a newline) with every
 * line's retained content removed: the text of `header` and each `lineWithoutBody(line)`,
 * joined as stored. Offloading rewrites whole bundles; this works on the text in one pass
 * instead of splitting it into lines and rebuilding each one.
 * @throws when a line is not an event line of the batch format.
 */
export function exportWithoutBodies(text: string): string {
  const headerEnd = text.indexOf("\n");
  if (headerEnd < 0) throw new Error("empty batch bundle");
  const parts: string[] = [text.slice(0, headerEnd + 1)];
  for (let at = headerEnd + 1; at < text.length;) {
    const end = text.indexOf("\n", at);
    const separator = text.indexOf(EVENT_SEPARATOR, at);
    if (
      end < 0 ||
      !text.startsWith(ENVELOPE_PREFIX, at) ||
      separator < 0 ||
      separator > end ||
      text.charCodeAt(end - 1) !== 0x7d // "}"
    ) {
      throw new Error(
        `not an event line of the batch format: ${text.slice(at, Math.min(at + 80, text.length))}`,
      );
    }
    parts.push(text.slice(at, separator), NO_BODY_TAIL);
    at = end + 1;
  }
  return parts.join("");
}

/** Lines joined as stored: each one followed by a newline. */
export function joinLines(lines: readonly string[]): string {
  let out = "";
  for (const l of lines) out += l + "\n";
  return out;
}

/** Stored lines back into lines (the inverse of joinLines). */
export function splitLines(text: string): string[] {
  if (text.length === 0) return [];
  const lines = text.split("\n");
  lines.pop();
  return lines;
}

/** gzip (RFC 1952) with the runtime's native CompressionStream. */
export async function gzip(text: string): Promise<Uint8Array> {
  // Response collects the stream natively: a JavaScript read loop over the compressor's many
  // small chunks cost more than the compression itself on the seal path.
  const input = new Blob([text]).stream();
  return new Uint8Array(await new Response(input.pipeThrough(new CompressionStream("gzip"))).arrayBuffer());
}

export async function gunzip(bytes: Uint8Array): Promise<string> {
  const input = new Blob([bytes]).stream();
  return new Response(input.pipeThrough(new DecompressionStream("gzip"))).text();
}

export interface DecodedBundle {
  header: string;
  /** Event lines, without newlines; line i is seq first_seq + i. */
  lines: string[];
}

export function encodeBundle(header: string, lines: readonly string[]): Promise<Uint8Array> {
  return gzip(header + "\n" + joinLines(lines));
}

export async function decodeBundle(bytes: Uint8Array | ArrayBuffer): Promise<DecodedBundle> {
  const all = splitLines(await gunzip(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)));
  const header = all.shift();
  if (header === undefined) throw new Error("empty batch bundle");
  return { header, lines: all };
}

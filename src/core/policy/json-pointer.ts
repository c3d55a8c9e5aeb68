/**
 * JSON Pointer (RFC 6901) parsed once and resolved many times. Policies name event fields by
 * pointer and are evaluated for every ingested event, so the text is split and unescaped at
 * compile time and resolution only walks the pre-split tokens.
 */

/** A JSON Pointer split into its reference tokens (RFC 6901 §3, §4). */
export interface ParsedPointer {
  /** The pointer as written. */
  readonly pointer: string;
  /** Unescaped reference tokens; empty for "", the whole document. */
  readonly tokens: readonly string[];
  /**
   * For each token, the array index it denotes, or -1 when it denotes none. RFC 6901 §4: an
   * index is "0" or digits without a leading zero; "-" (past the end) never resolves.
   */
  readonly indexes: readonly number[];
}

/** A string that is not a JSON Pointer. */
export class JsonPointerError extends Error {
  readonly expected: string;
  readonly found: string;
  constructor(found: string, reason: string) {
    super(`invalid JSON Pointer ${JSON.stringify(found)}: ${reason}`);
    this.name = "JsonPointerError";
    this.expected =
      'a JSON Pointer (RFC 6901): "" or "/"-separated tokens with "~" escaped as "~0" and "/" as "~1"';
    this.found = found;
  }
}

const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;

/**
 * Splits `pointer` into unescaped tokens. RFC 6901 §3: a pointer is empty or starts with "/";
 * "~" appears only in the escapes "~0" ("~") and "~1" ("/"). §4: "~1" is unescaped before
 * "~0", so "~01" reads as "~1" and not "/".
 *
 * @throws JsonPointerError when `pointer` is not a JSON Pointer.
 */
export function parsePointer(pointer: string): ParsedPointer {
  if (pointer === "") return { pointer, tokens: [], indexes: [] };
  if (pointer[0] !== "/") throw new JsonPointerError(pointer, 'must be empty or start with "/"');
  const raw = pointer.slice(1).split("/");
  const tokens: string[] = [];
  const indexes: number[] = [];
  for (const escaped of raw) {
    if (/~(?![01])/.test(escaped)) {
      throw new JsonPointerError(
        pointer,
        `"~" must be followed by 0 or 1 in token ${JSON.stringify(escaped)}`,
      );
    }
    const token = escaped.replaceAll("~1", "/").replaceAll("~0", "~");
    tokens.push(token);
    indexes.push(ARRAY_INDEX.test(token) && token.length <= 15 ? Number(token) : -1);
  }
  return { pointer, tokens, indexes };
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * The value `pointer` designates in `document`, or `undefined` when it designates none (a
 * missing member, an index out of range or not an index, or a step into a scalar). Only own
 * members count, so "/constructor" does not reach into the object prototype. JSON data never
 * holds `undefined`, so `undefined` unambiguously means "does not resolve".
 */
export function resolvePointer(document: unknown, pointer: ParsedPointer): unknown {
  const { tokens, indexes } = pointer;
  let current = document;
  for (let i = 0; i < tokens.length; i++) {
    if (typeof current !== "object" || current === null) return undefined;
    if (Array.isArray(current)) {
      const index = indexes[i]!;
      if (index < 0 || index >= current.length) return undefined;
      current = current[index];
    } else {
      const token = tokens[i]!;
      if (!hasOwn.call(current, token)) return undefined;
      current = (current as Record<string, unknown>)[token];
    }
  }
  return current;
}

/** Escapes one reference token (RFC 6901 §3): "~" first, so an escaped "/" is not escaped twice. */
export function escapeToken(token: string): string {
  return token.replaceAll("~", "~0").replaceAll("/", "~1");
}

/** `pointer` extended by one unescaped token. */
export function appendToken(pointer: string, token: string | number): string {
  return `${pointer}/${typeof token === "number" ? String(token) : escapeToken(token)}`;
}

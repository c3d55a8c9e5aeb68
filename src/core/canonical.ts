/**
 * RFC 8785 JSON Canonicalization Scheme (JCS).
 *
 * The reference is the `canonicalize` package (written by the RFC's authors), which builds on
 * ECMAScript `JSON.stringify` for primitives (RFC 8785 §3.2.2) and sorts object properties by
 * UTF-16 code units (§3.2.3). It showed as the largest JavaScript cost of ingest in a profile
 * (bench/RESULTS.md), so plain JSON data — what `JSON.parse` produces — takes a fast path: a
 * direct recursive writer that copies strings needing no escape as they are and leaves the rest
 * to `JSON.stringify`. Anything the fast path is not sure to write exactly as JCS does (a
 * non-finite number, a lone surrogate, a `toJSON`, a class instance, `undefined`) goes to the
 * package, so both paths agree by construction, and a property test checks it.
 */
import canonicalize from "canonicalize";
import { utf8 } from "./bytes";

/**
 * A value that RFC 8785 cannot represent: a non-finite number (I-JSON, RFC 7493 §2.2), a string
 * with a lone surrogate (RFC 7493 §2.1), a bigint, a cycle, or a top-level value that has no
 * JSON form at all (`undefined`, a function, a symbol).
 */
export class CanonicalJsonError extends Error {
  readonly expected: string;
  readonly found: string;
  constructor(expected: string, found: string, options?: { cause?: unknown }) {
    super(`cannot canonicalize JSON: expected ${expected}, found ${found}`, options);
    this.name = "CanonicalJsonError";
    this.expected = expected;
    this.found = found;
  }
}

/**
 * Returns the RFC 8785 canonical serialization of `value`.
 *
 * Preconditions: `value` is JSON data (as produced by `JSON.parse`, or plain objects, arrays,
 * strings, finite numbers, booleans and null). Like `JSON.stringify`, nested `undefined`,
 * functions and symbols are dropped from objects and become `null` in arrays, and `toJSON` is
 * honoured; RFC 8785 does not define these, so callers hashing evidence should not rely on it.
 *
 * @throws CanonicalJsonError when the value has no canonical form.
 */
export function canonicalJson(value: unknown): string {
  const fast = fastCanonicalJson(value);
  if (fast !== undefined) return fast;
  let out: string | undefined;
  try {
    out = canonicalize(value);
  } catch (cause) {
    throw describeFailure(cause);
  }
  if (out === undefined) {
    throw new CanonicalJsonError("a JSON value", typeof value);
  }
  return out;
}

/** UTF-8 bytes of `canonicalJson(value)` (RFC 8785 §3.2.4: the canonical form is UTF-8). */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8(canonicalJson(value));
}

/**
 * The package reports problems as plain `Error`s (and V8 throws a `TypeError` for bigint), so the
 * message is the only thing to classify; anything unrecognised keeps its message as `found`.
 */
const FAILURES: ReadonlyArray<{ match: RegExp; expected: string; found: string }> = [
  { match: /NaN/, expected: "a finite number", found: "NaN" },
  { match: /Infinity/, expected: "a finite number", found: "Infinity" },
  { match: /surrogate/i, expected: "a well-formed Unicode string", found: "a lone surrogate" },
  { match: /circular/i, expected: "an acyclic value", found: "a circular reference" },
  { match: /bigint/i, expected: "a number", found: "a bigint" },
];

function describeFailure(cause: unknown): CanonicalJsonError {
  const message = cause instanceof Error ? cause.message : String(cause);
  const known = FAILURES.find((f) => f.match.test(message));
  return known
    ? new CanonicalJsonError(known.expected, known.found, { cause })
    : new CanonicalJsonError("a JSON value", message, { cause });
}

/** Thrown to leave the fast path; never escapes this module. */
const NOT_PLAIN: unique symbol = Symbol("not plain JSON data");

/** Characters JSON must escape, and surrogates (which need the well-formedness check). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function writeString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  if (!s.isWellFormed()) throw NOT_PLAIN;
  return JSON.stringify(s);
}

/**
 * The text `"name":` of member names already written, since events of one schema repeat the
 * same few dozen names: a lookup replaces the escape check and two concatenations per member.
 * Names come from requests, so the cache is emptied when it reaches MEMBER_CACHE_MAX entries.
 */
const memberTexts = new Map<string, string>();
const MEMBER_CACHE_MAX = 4096;

function memberText(name: string): string {
  let text = memberTexts.get(name);
  if (text === undefined) {
    text = writeString(name) + ":";
    if (memberTexts.size >= MEMBER_CACHE_MAX) memberTexts.clear();
    memberTexts.set(name, text);
  }
  return text;
}

/**
 * Sorts member names in place by UTF-16 code units (RFC 8785 §3.2.3): JavaScript's `<` on
 * strings compares code units. Insertion sort: objects have few members, and for them it beats
 * `Array#sort`'s generic comparison by several times.
 */
function sortNames(keys: string[]): string[] {
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > k) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = k;
  }
  return keys;
}

function write(value: unknown): string {
  switch (typeof value) {
    case "string":
      return writeString(value);
    case "number":
      if (!Number.isFinite(value)) throw NOT_PLAIN;
      // For a finite number, JSON.stringify is Number::toString (ECMA-262 SerializeJSONProperty),
      // the serialization RFC 8785 §3.2.2.3 prescribes; -0 becomes "0" either way.
      return String(value);
    case "boolean":
      return value ? "true" : "false";
    case "object": {
      if (value === null) return "null";
      if (Array.isArray(value)) {
        let out = "[";
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ",";
          out += write(value[i]);
        }
        return out + "]";
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (
        (proto !== Object.prototype && proto !== null) ||
        typeof (value as { toJSON?: unknown }).toJSON === "function"
      ) {
        throw NOT_PLAIN;
      }
      // Sorting the names explicitly (UTF-16 code units, §3.2.3) makes JavaScript's own property
      // order, which puts integer-like names first, irrelevant.
      const keys = sortNames(Object.keys(value));
      let out = "{";
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        if (i > 0) out += ",";
        out += memberText(k) + write((value as Record<string, unknown>)[k]);
      }
      return out + "}";
    }
    default:
      // undefined, functions, symbols, bigints: the reference path decides what they become.
      throw NOT_PLAIN;
  }
}

/**
 * JCS of plain JSON data, or undefined when `value` is not plain (or nests deeper than the
 * call stack allows); the caller then uses the reference implementation.
 */
function fastCanonicalJson(value: unknown): string | undefined {
  try {
    return write(value);
  } catch (err) {
    if (err === NOT_PLAIN || err instanceof RangeError) return undefined;
    throw err;
  }
}

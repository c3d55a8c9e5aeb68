/**
 * RFC 8785 JSON Canonicalization Scheme (JCS).
 *
 * Serialization is delegated to the `canonicalize` package (written by the RFC's authors), which
 * builds on ECMAScript `JSON.stringify` for primitives (RFC 8785 §3.2.2) and sorts object
 * properties by UTF-16 code units (§3.2.3). This module gives it a typed surface and turns its
 * failures into one error type.
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

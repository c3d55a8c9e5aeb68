/**
 * The I-JSON (RFC 7493) problems the Worker, the client SDK and `edgelog send` report, with one
 * wording everywhere, so a producer sees at the call site the message the server would answer.
 */
import type { NumberInexactness } from "./number-exactness";

/** Which I-JSON rule an item breaks. */
export type IJsonRule = "duplicate-name" | "inexact-number" | "invalid-unicode" | "no-json-form";

/** One problem: `pointer` is an RFC 6901 JSON pointer into the event ("" is the event itself). */
export interface IJsonViolation {
  rule: IJsonRule;
  pointer: string;
  message: string;
}

const MAX_SHOWN = 40;

function shown(literal: string): string {
  return literal.length <= MAX_SHOWN
    ? literal
    : `${literal.slice(0, MAX_SHOWN)}… (${literal.length} characters)`;
}

/** RFC 7493 §2.2 message for a number literal that a double does not hold exactly. */
export function inexactNumberMessage(literal: string, why: NumberInexactness): string {
  const fix = `send it as a string ("${shown(literal)}") to keep every digit`;
  switch (why.kind) {
    case "overflow":
      return `number ${shown(literal)} is larger than an IEEE 754 double can hold (I-JSON, RFC 7493 §2.2); ${fix}`;
    case "underflow":
      return `number ${shown(literal)} is too small for an IEEE 754 double and would be stored as 0 (I-JSON, RFC 7493 §2.2); ${fix}`;
    case "precision":
      return `number ${shown(literal)} has more precision than an IEEE 754 double holds and would be stored as ${why.stored} (I-JSON, RFC 7493 §2.2); ${fix}`;
  }
}

/** RFC 7493 §2.3 message for a member name that occurs twice in one object. */
export function duplicateNameMessage(name: string): string {
  return `member name ${JSON.stringify(shown(name))} occurs more than once in this object (I-JSON, RFC 7493 §2.3); send each name once`;
}

/** RFC 7493 §2.1 message for a string (or member name) holding a lone surrogate. */
export function loneSurrogateMessage(what: "string" | "member name", codeUnit: number): string {
  const hex = codeUnit.toString(16).toUpperCase().padStart(4, "0");
  return `${what} holds the lone surrogate \\u${hex}, which is not a Unicode character (I-JSON, RFC 7493 §2.1); send well-formed UTF-16 (a surrogate pair) or drop it`;
}

/** Escapes one RFC 6901 reference token ("~" → "~0", then "/" → "~1"). */
export function pointerToken(token: string | number): string {
  if (typeof token === "number") return String(token);
  if (!token.includes("~") && !token.includes("/")) return token;
  return token.replaceAll("~", "~0").replaceAll("/", "~1");
}

/**
 * I-JSON (RFC 7493) check of an event before the client serializes it, so a producer learns at
 * the `log()` call what the server would refuse — or what `JSON.stringify` would change without
 * a word (NaN sent as null). The rules and messages are the server's (`src/core/ijson`); what a
 * JavaScript value can break is listed in `value-check.ts`: non-finite numbers, BigInt, lone
 * surrogates, and `undefined`/functions/symbols inside arrays. Duplicate names and inexact
 * numbers cannot occur in a value built in JavaScript, so they need no check here.
 */
import { findValueViolations } from "../core/ijson";
import { EdgelogClientError } from "./errors";

/** One problem of an event: an RFC 6901 pointer into it and the server's message. */
export interface EventProblem {
  path: string;
  message: string;
}

/** An event that JSON cannot carry exactly; `problems` lists each place (at most 10). */
export class UnsendableEventError extends EdgelogClientError {
  readonly problems: EventProblem[];
  /** Pointer of the first problem. */
  readonly path: string;
  constructor(problems: EventProblem[]) {
    const first = problems[0]!;
    super(
      `event cannot be sent exactly as JSON: at '${first.path}': ${first.message}`,
      "an I-JSON value (RFC 7493)",
      `${problems.length} problem(s)`,
    );
    this.problems = problems;
    this.path = first.path;
  }
}

/**
 * @throws UnsendableEventError when `event` holds a value JSON cannot carry exactly.
 */
export function assertSendable(event: object): void {
  const found = findValueViolations(event);
  if (found.length > 0)
    throw new UnsendableEventError(found.map((v) => ({ path: v.pointer, message: v.message })));
}

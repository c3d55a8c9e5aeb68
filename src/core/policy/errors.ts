import type { PolicyIssue } from "./types";

/**
 * A policy document that cannot be applied. It lists every problem found, each with a JSON
 * Pointer into the document, so that the whole policy is refused at once and never applied
 * in part.
 */
export class PolicyError extends Error {
  readonly errors: readonly PolicyIssue[];
  /** What a valid policy needs, and the first problem found, as with other typed errors. */
  readonly expected: string;
  readonly found: string;
  constructor(errors: readonly PolicyIssue[]) {
    const first = errors[0];
    const summary = first === undefined ? "no details" : `${first.path || "(document)"}: ${first.message}`;
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : "";
    super(`invalid policy: ${summary}${more}`);
    this.name = "PolicyError";
    this.errors = errors;
    this.expected = "a policy document as described by schema/policy.schema.json";
    this.found = summary;
  }
}

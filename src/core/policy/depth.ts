/**
 * Nesting depth of a parsed JSON value, measured without recursion so that a hostile document
 * (tens of thousands of levels) cannot exhaust the stack while being measured.
 */
import { appendToken } from "./json-pointer";
import { MAX_POLICY_DEPTH } from "./limits";
import type { PolicyIssue } from "./types";

/** Where a value first nests deeper than allowed, and how deep it goes at that point. */
export interface TooDeep {
  /** JSON Pointer (RFC 6901) to the first array or object beyond the limit. */
  readonly path: string;
  /** The depth of that array or object (the document itself is depth 1). */
  readonly depth: number;
}

/**
 * Finds the first array or object nested deeper than `max` levels in `value` (a value made by
 * `JSON.parse`: no cycles), depth first in document order; null when there is none.
 */
export function findTooDeep(value: unknown, max: number): TooDeep | null {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: "", depth: 1 }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item.value !== "object" || item.value === null) continue;
    if (item.depth > max) return { path: item.path, depth: item.depth };
    const entries = Array.isArray(item.value)
      ? item.value.map((member, i) => [i, member] as const)
      : Object.entries(item.value as Record<string, unknown>);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [token, member] = entries[i]!;
      stack.push({ value: member, path: appendToken(item.path, token), depth: item.depth + 1 });
    }
  }
  return null;
}

/** The problem reported for a policy nested deeper than MAX_POLICY_DEPTH. */
export function tooDeepIssue(found: TooDeep): PolicyIssue {
  return {
    path: found.path,
    message: `arrays and objects nest at most ${MAX_POLICY_DEPTH} levels in a policy; this one is at level ${found.depth}`,
  };
}

import { describe, expect, it } from "vitest";
import {
  compilePolicy,
  MAX_POLICY_DEPTH,
  MAX_REPORTED_ISSUES,
  PolicyError,
  validatePolicy,
  type PolicyDocument,
} from "../../src/core/policy";
import { findTooDeep } from "../../src/core/policy/depth";

/** A rule whose `eq` value is `levels` arrays deep. */
function deepPolicy(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = [value];
  return { rules: [{ when: { pointer: "/decision_context/decision_type", eq: value }, tier: "full" }] };
}

describe("policy nesting depth", () => {
  it("refuses 20,000 levels with one problem naming the limit, without exhausting the stack", () => {
    const result = validatePolicy(deepPolicy(20_000));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.total).toBe(1);
    expect(result.errors[0]!.message).toContain(`at most ${MAX_POLICY_DEPTH} levels`);
    // The document is depth 1, rules 2, the rule 3, when 4, and eq's first array 5.
    expect(result.errors[0]!.path).toBe(`/rules/0/when/eq${"/0".repeat(MAX_POLICY_DEPTH - 4)}`);
  });

  it("names a too-deep value in a schema problem instead of printing it", () => {
    let tier: unknown = "gold";
    for (let i = 0; i < 20_000; i++) tier = [tier];
    const result = validatePolicy({ rules: [], default: { tier } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]!.message).toContain(`a value nested deeper than ${MAX_POLICY_DEPTH} levels`);
  });

  it("compilePolicy refuses it too (its precondition may be bypassed)", () => {
    expect(() => compilePolicy(deepPolicy(20_000) as PolicyDocument)).toThrow(PolicyError);
  });

  it("accepts the deepest document the limit allows", () => {
    // eq's value starts at depth 5, so MAX_POLICY_DEPTH - 4 arrays end exactly at the limit.
    expect(validatePolicy(deepPolicy(MAX_POLICY_DEPTH - 4)).ok).toBe(true);
    expect(validatePolicy(deepPolicy(MAX_POLICY_DEPTH - 3)).ok).toBe(false);
  });

  it("findTooDeep measures depth in document order", () => {
    expect(findTooDeep({ a: 1, b: [2, { c: [] }] }, 4)).toBeNull();
    expect(findTooDeep({ a: 1, b: [2, { c: [] }] }, 3)).toEqual({ path: "/b/1/c", depth: 4 });
    expect(findTooDeep({ "a/b": { "~": {} } }, 2)).toEqual({ path: "/a~1b/~0", depth: 3 });
    expect(findTooDeep("scalar", 0)).toBeNull();
  });
});

describe("problems reported for a refused policy", () => {
  it(`lists at most ${MAX_REPORTED_ISSUES} and counts the rest`, () => {
    const doc: Record<string, unknown> = { rules: [] };
    for (let i = 0; i < 6000; i++) doc[`x${i}`] = 1;
    const result = validatePolicy(doc);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.total).toBe(6000);
    expect(result.errors).toHaveLength(MAX_REPORTED_ISSUES);
    expect(result.errors[0]).toEqual({
      path: "/x0",
      message: 'unknown member "x0"; allowed: rules, mask, default',
    });
  });

  it("reports every problem when there are few", () => {
    const result = validatePolicy({ rules: [], a: 1, b: 2 });
    expect(result.ok ? 0 : result.total).toBe(2);
    expect(result.ok ? [] : result.errors).toHaveLength(2);
  });
});

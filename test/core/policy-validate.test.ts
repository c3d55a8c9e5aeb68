import { describe, expect, it } from "vitest";
import {
  compilePolicy,
  PolicyError,
  validatePolicy,
  type PolicyDocument,
  type PolicyIssue,
} from "../../src/core/policy";

const leaf = { pointer: "/decision_context/decision_type", eq: "credit_approval" };
const rule = (extra: Record<string, unknown> = {}) => ({ when: leaf, tier: "full", ...extra });

/** Nested `all` groups around one leaf: `levels` groups make the leaf depth levels + 1. */
function nested(levels: number, group: "all" | "any" = "all"): unknown {
  let condition: unknown = leaf;
  for (let i = 0; i < levels; i++) condition = { [group]: [condition] };
  return condition;
}

function errorsOf(doc: unknown): readonly PolicyIssue[] {
  const result = validatePolicy(doc);
  if (result.ok) throw new Error(`expected the policy to be refused: ${JSON.stringify(doc).slice(0, 200)}`);
  return result.errors;
}

/** The policy is refused with exactly one issue, at `path`, whose message matches. */
function expectOneIssue(doc: unknown, path: string, message: RegExp): void {
  const errors = errorsOf(doc);
  expect(errors).toHaveLength(1);
  expect(errors[0]!.path).toBe(path);
  expect(errors[0]!.message).toMatch(message);
}

describe("validatePolicy accepts", () => {
  it("a policy using every feature", () => {
    const doc = {
      rules: [
        {
          name: "override",
          when: { pointer: "/human_override_record/override_occurred", eq: true },
          tier: "full",
        },
        {
          name: "risky credit",
          when: {
            all: [
              { pointer: "/decision_context/decision_type", in: ["credit_approval", "credit_limit"] },
              {
                any: [
                  { pointer: "/decision_quality_indicators/confidence_score", lte: 0.6 },
                  { pointer: "/x", exists: true },
                ],
              },
              { pointer: "/temporal_metadata/event_timestamp", gte: "2026-01-01T00:00:00Z" },
            ],
          },
          tier: "sampled",
          rate: 0.5,
        },
        { when: { pointer: "/decision_logic/output", eq: { action: "decline" } }, tier: "lightweight" },
      ],
      mask: [
        { pointer: "/decision_context/inputs", action: "remove" },
        { pointer: "/decision_logic/output/customer_email", action: "hash" },
      ],
      default: { tier: "sampled", rate: 1 },
    };
    const result = validatePolicy(doc);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.policy.rules.map((r) => r.name)).toEqual(["override", "risky credit", "/rules/2"]);
    expect(result.policy.masks.map((m) => [m.pointer, m.action])).toEqual([
      ["/decision_context/inputs", "remove"],
      ["/decision_logic/output/customer_email", "hash"],
    ]);
    expect(result.policy.fallback).toEqual({ tier: "sampled", rate: 1, rule: null });
  });

  it("an empty rule list, and the limits themselves", () => {
    expect(validatePolicy({ rules: [] }).ok).toBe(true);
    expect(validatePolicy({ rules: Array.from({ length: 100 }, () => rule()) }).ok).toBe(true);
    const masks = Array.from({ length: 100 }, (_, i) => ({ pointer: `/extra/m${i}`, action: "remove" }));
    expect(validatePolicy({ rules: [], mask: masks }).ok).toBe(true);
    expect(validatePolicy({ rules: [{ when: nested(7), tier: "full" }] }).ok).toBe(true);
    expect(validatePolicy({ rules: [{ when: nested(7, "any"), tier: "full" }] }).ok).toBe(true);
  });

  it("a copy of the document, frozen, that later changes to the input do not reach", () => {
    const doc = { rules: [{ when: { pointer: "/a", eq: { deep: 1 } }, tier: "full" }] };
    const result = validatePolicy(doc);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    doc.rules[0]!.when.eq.deep = 2;
    expect(result.policy.document).toEqual({
      rules: [{ when: { pointer: "/a", eq: { deep: 1 } }, tier: "full" }],
    });
    expect(Object.isFrozen(result.policy.document.rules[0]!.when)).toBe(true);
    expect(result.policy.rules[0]!.test({ a: { deep: 1 } })).toBe(true);
    expect(result.policy.rules[0]!.test({ a: { deep: 2 } })).toBe(false);
  });
});

describe("validatePolicy refuses, with a pointer into the policy", () => {
  it("a pointer without the leading slash", () => {
    expectOneIssue(
      { rules: [{ when: { pointer: "decision_context/decision_id", exists: true }, tier: "full" }] },
      "/rules/0/when/pointer",
      /JSON Pointer \(RFC 6901\).*must be empty or start with "\/"/,
    );
  });

  it("a pointer with a bad escape", () => {
    expectOneIssue(
      { rules: [rule({ when: { all: [leaf, { pointer: "/a~2b", exists: true }] } })] },
      "/rules/0/when/all/1/pointer",
      /"~" must be followed by 0 or 1/,
    );
  });

  it("a mask on the whole event", () => {
    expectOneIssue(
      { rules: [], mask: [{ pointer: "", action: "remove" }] },
      "/mask/0/pointer",
      /whole event/,
    );
  });

  it("tier sampled without a rate, in a rule and in the default", () => {
    expectOneIssue(
      { rules: [{ when: leaf, tier: "sampled" }] },
      "/rules/0/rate",
      /tier "sampled" needs a "rate"/,
    );
    expectOneIssue(
      { rules: [], default: { tier: "sampled" } },
      "/default/rate",
      /tier "sampled" needs a "rate"/,
    );
  });

  it.each([0, 2, -0.1, 1.5])("rate %s", (rate) => {
    expectOneIssue(
      { rules: [{ when: leaf, tier: "sampled", rate }] },
      "/rules/0/rate",
      new RegExp(`greater than 0 and at most 1; found ${rate}$`),
    );
  });

  it("a rate that is not a number", () => {
    expectOneIssue(
      { rules: [{ when: leaf, tier: "sampled", rate: "0.5" }] },
      "/rules/0/rate",
      /must be a number; found the string "0.5"/,
    );
  });

  it("a rate below 2^-56", () => {
    expectOneIssue({ rules: [], default: { tier: "sampled", rate: 1e-30 } }, "/default/rate", /below 2\^-56/);
  });

  it("a rate with a tier other than sampled", () => {
    expectOneIssue(
      { rules: [rule({ rate: 0.5 })] },
      "/rules/0/rate",
      /"rate" applies only to tier "sampled"; found tier "full"/,
    );
    expectOneIssue(
      { rules: [], default: { tier: "lightweight", rate: 1 } },
      "/default/rate",
      /found tier "lightweight"/,
    );
  });

  it("an unknown operator", () => {
    expectOneIssue(
      { rules: [rule({ when: { pointer: "/a", regex: "^x" } })] },
      "/rules/0/when/regex",
      /unknown operator "regex"; a condition is "pointer" with one of eq, in, gte, lte, exists, or "all", or "any"/,
    );
  });

  it("two operators in one leaf", () => {
    expectOneIssue(
      { rules: [rule({ when: { pointer: "/a", gte: 1, lte: 5 } })] },
      "/rules/0/when",
      /exactly one operator; found gte, lte/,
    );
  });

  it("a leaf without an operator, an operator without a pointer, an empty condition", () => {
    expectOneIssue(
      { rules: [rule({ when: { pointer: "/a" } })] },
      "/rules/0/when",
      /needs one operator: eq, in, gte, lte, exists/,
    );
    expectOneIssue(
      { rules: [rule({ when: { eq: 1 } })] },
      "/rules/0/when",
      /operator "eq" needs a "pointer"/,
    );
    expectOneIssue(
      { rules: [rule({ when: {} })] },
      "/rules/0/when",
      /needs "pointer" with one operator .* or "all", or "any"/,
    );
  });

  it("groups mixed with each other or with a leaf, or empty", () => {
    expectOneIssue(
      { rules: [rule({ when: { all: [leaf], any: [leaf] } })] },
      "/rules/0/when",
      /"all" or "any", not both/,
    );
    expectOneIssue(
      { rules: [rule({ when: { pointer: "/a", any: [leaf] } })] },
      "/rules/0/when",
      /"any" must be the only member/,
    );
    expectOneIssue(
      { rules: [rule({ when: { all: [] } })] },
      "/rules/0/when/all",
      /at least 1 condition; found 0/,
    );
  });

  it("nesting deeper than 8", () => {
    expectOneIssue(
      { rules: [rule({ when: nested(8) })] },
      `/rules/0/when${"/all/0".repeat(7)}/all`,
      /conditions nest at most 8 deep; this "all" would add depth 9/,
    );
    expectOneIssue(
      { rules: [rule({ when: nested(8, "any") })] },
      `/rules/0/when${"/any/0".repeat(7)}/any`,
      /at most 8 deep/,
    );
  });

  it("very deep nesting, without recursing through all of it", () => {
    const errors = errorsOf({ rules: [rule({ when: nested(20_000) })] });
    expect(errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/at most 8 deep/) })]);
  });

  it("more than 100 rules, or masks", () => {
    expectOneIssue(
      { rules: Array.from({ length: 101 }, () => rule()) },
      "/rules",
      /at most 100 rules; found 101/,
    );
    const masks = Array.from({ length: 101 }, (_, i) => ({ pointer: `/m${i}`, action: "hash" }));
    expectOneIssue({ rules: [], mask: masks }, "/mask", /at most 100 masks; found 101/);
  });

  it("unknown members, a missing rules list, wrong types", () => {
    expectOneIssue(
      { rules: [], masks: [] },
      "/masks",
      /unknown member "masks"; allowed: rules, mask, default/,
    );
    expectOneIssue(
      { rules: [rule({ priority: 1 })] },
      "/rules/0/priority",
      /unknown member "priority"; allowed: name, when, tier, rate/,
    );
    expectOneIssue({}, "/rules", /"rules" is required/);
    expectOneIssue([], "", /must be an object; found an array/);
    expectOneIssue({ rules: [{ tier: "full" }] }, "/rules/0/when", /"when" is required/);
  });

  it("an unknown tier or mask action", () => {
    expectOneIssue(
      { rules: [rule({ tier: "everything" })] },
      "/rules/0/tier",
      /one of "lightweight", "sampled", "full"; found "everything"/,
    );
    expectOneIssue(
      { rules: [], mask: [{ pointer: "/a", action: "redact" }] },
      "/mask/0/action",
      /one of "remove", "hash"; found "redact"/,
    );
  });

  it("operands of the wrong type", () => {
    expectOneIssue(
      { rules: [rule({ when: { pointer: "/a", gte: true } })] },
      "/rules/0/when/gte",
      /a number or a string; found true/,
    );
    expectOneIssue(
      { rules: [rule({ when: { pointer: "/a", exists: "yes" } })] },
      "/rules/0/when/exists",
      /must be true or false/,
    );
    expectOneIssue(
      { rules: [rule({ when: { pointer: "/a", in: [] } })] },
      "/rules/0/when/in",
      /at least 1 value; found 0/,
    );
  });

  it("duplicate rule names", () => {
    expectOneIssue(
      { rules: [rule({ name: "x" }), rule({ name: "y" }), rule({ name: "x" })] },
      "/rules/2/name",
      /duplicate rule name "x", first used by \/rules\/0/,
    );
  });

  it("masks that overlap each other", () => {
    const errors = errorsOf({
      rules: [],
      mask: [
        { pointer: "/extra/a", action: "hash" },
        { pointer: "/extra/a/b", action: "remove" },
        { pointer: "/extra", action: "remove" },
        { pointer: "/extra/a", action: "remove" },
      ],
    });
    expect(errors.map((e) => e.path)).toEqual(["/mask/1/pointer", "/mask/2/pointer", "/mask/3/pointer"]);
    expect(errors[0]!.message).toMatch(/"\/extra\/a\/b" overlaps "\/extra\/a" of \/mask\/0/);
  });

  it("masks at, above or inside a DES required field, except inside the output", () => {
    for (const pointer of [
      "/decision_context/decision_id",
      "/decision_context",
      "/temporal_metadata",
      "/temporal_metadata/hash_chain/current_hash",
      "/decision_logic/output",
      "/schema_version",
    ]) {
      expectOneIssue(
        { rules: [], mask: [{ pointer, action: "hash" }] },
        "/mask/0/pointer",
        /overlaps the DES required field/,
      );
    }
    expect(
      validatePolicy({ rules: [], mask: [{ pointer: "/decision_logic/output/email", action: "hash" }] }).ok,
    ).toBe(true);
    expect(
      validatePolicy({ rules: [], mask: [{ pointer: "/decision_context/trigger", action: "remove" }] }).ok,
    ).toBe(true);
  });

  it("as a whole: every problem is reported and nothing is compiled", () => {
    const result = validatePolicy({
      rules: [rule(), { when: leaf, tier: "sampled" }, rule({ when: { pointer: "x", eq: 1 } })],
      default: { tier: "full", rate: 0.5 },
    });
    expect(result.ok).toBe(false);
    expect("policy" in result).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.path).sort()).toEqual([
      "/default/rate",
      "/rules/1/rate",
      "/rules/2/when/pointer",
    ]);
  });
});

describe("compilePolicy", () => {
  it("throws a PolicyError listing every semantic problem", () => {
    const doc = {
      rules: [rule({ name: "a" }), rule({ name: "a" })],
      mask: [{ pointer: "/decision_context/decision_id", action: "remove" }],
    } as PolicyDocument;
    let caught: unknown;
    try {
      compilePolicy(doc);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PolicyError);
    const error = caught as PolicyError;
    expect(error.errors.map((e) => e.path)).toEqual(["/rules/1/name", "/mask/0/pointer"]);
    expect(error.message).toMatch(
      /^invalid policy: \/rules\/1\/name: duplicate rule name "a".*\(and 1 more\)$/,
    );
    expect(error.found).toMatch(/duplicate rule name/);
  });

  it("re-checks what evaluation relies on when the schema was bypassed", () => {
    const bad = {
      rules: [
        { when: { pointer: "no-slash", eq: 1 }, tier: "full" },
        { when: { pointer: "/a", eq: 1, lte: 2 }, tier: "full" },
        { when: nested(8), tier: "full" },
        { when: leaf, tier: "sampled", rate: 0 },
        { when: leaf, tier: "sometimes" },
      ],
    } as unknown as PolicyDocument;
    expect(() => compilePolicy(bad)).toThrow(PolicyError);
    try {
      compilePolicy(bad);
    } catch (error) {
      expect((error as PolicyError).errors.map((e) => e.path)).toEqual([
        "/rules/0/when/pointer",
        "/rules/1/when",
        `/rules/2/when${"/all/0".repeat(7)}/all`,
        "/rules/3/rate",
        "/rules/4/tier",
      ]);
    }
  });
});

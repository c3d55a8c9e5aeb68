import { describe, expect, it } from "vitest";
import { compilePolicy, evaluatePolicy, type Condition, type PolicyDocument } from "../../src/core/policy";

function event() {
  return {
    schema_version: "0.3.0",
    decision_context: {
      decision_id: "loan-7",
      decision_type: "credit_approval",
      inputs: [
        { input_id: "bureau", input_type: "credit_report" },
        { input_id: "income", input_type: "payslip" },
      ],
      "a/b": { "m~n": "escaped" },
    },
    decision_logic: {
      logic_type: "ml_inference",
      output: { action: "decline", reasons: ["dti", "history"] },
    },
    human_override_record: { override_occurred: false },
    decision_quality_indicators: {
      decision_risk_level: "medium",
      confidence_score: 0.62,
      uncertainty_flags: [],
    },
    temporal_metadata: {
      event_timestamp: "2026-03-01T09:30:00Z",
      sequence_number: 12,
      hash_chain: { previous_hash: null, current_hash: "00", algorithm: "SHA-256" },
      evidence_tier: "lightweight",
      evidence_availability_timestamp: null,
    },
  };
}

/** Whether `when` matches `target` (by default the event above), through a one-rule policy. */
function matches(when: Condition, target: unknown = event()): boolean {
  const policy = compilePolicy({ rules: [{ name: "r", when, tier: "full" }] });
  return evaluatePolicy(policy, target).rule === "r";
}

describe("eq", () => {
  it.each([
    ["/decision_context/decision_type", "credit_approval", true],
    ["/decision_context/decision_type", "credit", false],
    ["/temporal_metadata/sequence_number", 12, true],
    ["/temporal_metadata/sequence_number", "12", false],
    ["/human_override_record/override_occurred", false, true],
    ["/human_override_record/override_occurred", 0, false],
    ["/temporal_metadata/evidence_availability_timestamp", null, true],
    ["/temporal_metadata/hash_chain/previous_hash", null, true],
    ["/decision_context/missing", null, false],
    ["/decision_logic/output", { reasons: ["dti", "history"], action: "decline" }, true],
    ["/decision_logic/output", { action: "decline" }, false],
    ["/decision_logic/output/reasons", ["history", "dti"], false],
    ["/decision_quality_indicators/uncertainty_flags", [], true],
    ["/decision_context/inputs/1/input_type", "payslip", true],
    ["/decision_context/a~1b/m~0n", "escaped", true],
  ])("%s eq %j → %s", (pointer, eq, expected) => {
    expect(matches({ pointer, eq: eq as never })).toBe(expected);
  });
});

describe("in", () => {
  it("matches scalars of the same type", () => {
    expect(
      matches({ pointer: "/decision_quality_indicators/decision_risk_level", in: ["high", "medium"] }),
    ).toBe(true);
    expect(
      matches({ pointer: "/decision_quality_indicators/decision_risk_level", in: ["high", "critical"] }),
    ).toBe(false);
    expect(matches({ pointer: "/temporal_metadata/sequence_number", in: ["12", 13] })).toBe(false);
    expect(matches({ pointer: "/temporal_metadata/sequence_number", in: [11, 12] })).toBe(true);
    expect(matches({ pointer: "/temporal_metadata/evidence_availability_timestamp", in: [null] })).toBe(true);
  });

  it("matches composite values deeply", () => {
    expect(matches({ pointer: "/decision_logic/output/reasons", in: ["dti", ["dti", "history"]] })).toBe(
      true,
    );
    expect(matches({ pointer: "/decision_logic/output/reasons", in: [["history", "dti"]] })).toBe(false);
    expect(matches({ pointer: "/decision_logic/output/reasons/0", in: [["dti"]] })).toBe(false);
  });

  it("never matches a missing value", () => {
    expect(matches({ pointer: "/nothing", in: [null, false, 0, ""] })).toBe(false);
  });
});

describe("gte / lte", () => {
  it("refuses bounds JSON cannot carry", () => {
    expect(() => matches({ pointer: "/a", gte: -Infinity })).toThrow(
      /"gte" needs a finite number or a string; found -Infinity/,
    );
    expect(() => matches({ pointer: "/a", lte: Number.NaN })).toThrow(/found NaN/);
  });

  it("compares numbers with numbers, bounds included", () => {
    const p = "/decision_quality_indicators/confidence_score";
    expect(matches({ pointer: p, gte: 0.62 })).toBe(true);
    expect(matches({ pointer: p, gte: 0.63 })).toBe(false);
    expect(matches({ pointer: p, lte: 0.62 })).toBe(true);
    expect(matches({ pointer: p, lte: 0.5 })).toBe(false);
    expect(matches({ pointer: p, gte: -1 })).toBe(true);
  });

  it("compares strings with strings, so RFC 3339 timestamps in one format compare in time order", () => {
    const p = "/temporal_metadata/event_timestamp";
    expect(matches({ pointer: p, gte: "2026-03-01T00:00:00Z" })).toBe(true);
    expect(matches({ pointer: p, gte: "2026-03-01T09:30:00Z" })).toBe(true);
    expect(matches({ pointer: p, gte: "2026-03-01T09:30:01Z" })).toBe(false);
    expect(matches({ pointer: p, lte: "2026-12-31T23:59:59Z" })).toBe(true);
    expect(matches({ pointer: p, lte: "2025-12-31T23:59:59Z" })).toBe(false);
  });

  it("never matches across types or a missing value", () => {
    expect(matches({ pointer: "/temporal_metadata/sequence_number", gte: "1" })).toBe(false);
    expect(matches({ pointer: "/temporal_metadata/sequence_number", lte: "99" })).toBe(false);
    expect(matches({ pointer: "/temporal_metadata/event_timestamp", gte: 0 })).toBe(false);
    expect(matches({ pointer: "/temporal_metadata/evidence_availability_timestamp", lte: 0 })).toBe(false);
    expect(matches({ pointer: "/human_override_record/override_occurred", lte: 1 })).toBe(false);
    expect(matches({ pointer: "/nothing", gte: -Number.MAX_VALUE })).toBe(false);
  });
});

describe("exists", () => {
  it.each([
    ["/decision_quality_indicators", true],
    ["/temporal_metadata/evidence_availability_timestamp", true], // present with null
    ["/decision_context/inputs/1", true],
    ["/decision_context/inputs/2", false],
    ["/decision_context/inputs/-", false],
    ["/decision_context/inputs/01", false],
    ["/decision_context/decision_id/0", false],
    ["/decision_boundary", false],
    ["/constructor", false],
    ["/decision_context/toString", false],
  ])("%s exists → %s", (pointer, present) => {
    expect(matches({ pointer, exists: true })).toBe(present);
    expect(matches({ pointer, exists: false })).toBe(!present);
  });
});

describe("all / any", () => {
  const yes: Condition = { pointer: "/decision_context/decision_type", eq: "credit_approval" };
  const no: Condition = { pointer: "/decision_context/decision_type", eq: "fraud" };

  it.each([
    [{ all: [yes] }, true],
    [{ all: [yes, yes] }, true],
    [{ all: [yes, no] }, false],
    [{ all: [no, yes] }, false],
    [{ any: [no] }, false],
    [{ any: [no, yes] }, true],
    [{ any: [yes, no] }, true],
    [{ any: [no, no] }, false],
    [{ all: [yes, { any: [no, { all: [yes, { pointer: "/decision_boundary", exists: false }] }] }] }, true],
    [{ any: [no, { all: [yes, no] }] }, false],
  ] as Array<[Condition, boolean]>)("%j → %s", (when, expected) => {
    expect(matches(when)).toBe(expected);
  });
});

describe("evaluatePolicy", () => {
  const doc: PolicyDocument = {
    rules: [
      {
        name: "overrides",
        when: { pointer: "/human_override_record/override_occurred", eq: true },
        tier: "full",
      },
      {
        when: { pointer: "/decision_quality_indicators/decision_risk_level", eq: "medium" },
        tier: "sampled",
        rate: 0.25,
      },
      {
        name: "credit",
        when: { pointer: "/decision_context/decision_type", eq: "credit_approval" },
        tier: "full",
      },
    ],
    default: { tier: "sampled", rate: 0.05 },
  };
  const policy = compilePolicy(doc);

  it("lets the first matching rule decide, naming an unnamed rule by its pointer", () => {
    // Matches rules 1 and 2; rule 1 comes first.
    expect(evaluatePolicy(policy, event())).toEqual({ tier: "sampled", rate: 0.25, rule: "/rules/1" });
    const overridden = event();
    overridden.human_override_record.override_occurred = true;
    expect(evaluatePolicy(policy, overridden)).toEqual({ tier: "full", rate: 1, rule: "overrides" });
    const lowRisk = event();
    lowRisk.decision_quality_indicators.decision_risk_level = "low";
    expect(evaluatePolicy(policy, lowRisk)).toEqual({ tier: "full", rate: 1, rule: "credit" });
  });

  it("falls back to the default, else to lightweight at rate 1", () => {
    const other = { decision_context: { decision_type: "fraud" } };
    expect(evaluatePolicy(policy, other)).toEqual({ tier: "sampled", rate: 0.05, rule: null });
    const noDefault = compilePolicy({ rules: doc.rules });
    expect(evaluatePolicy(noDefault, other)).toEqual({ tier: "lightweight", rate: 1, rule: null });
    expect(evaluatePolicy(compilePolicy({ rules: [], default: { tier: "full" } }), other)).toEqual({
      tier: "full",
      rate: 1,
      rule: null,
    });
  });

  it("treats any JSON value as an event", () => {
    for (const target of [null, 0, "text", [], [1, 2], {}]) {
      expect(evaluatePolicy(policy, target)).toEqual({ tier: "sampled", rate: 0.05, rule: null });
    }
  });

  it("returns one frozen decision per rule, allocating nothing per event", () => {
    const a = evaluatePolicy(policy, event());
    const b = evaluatePolicy(policy, event());
    expect(a).toBe(b);
    expect(Object.isFrozen(a)).toBe(true);
    expect(evaluatePolicy(policy, {})).toBe(policy.fallback);
  });

  it("evaluates 100 rules over an event quickly", () => {
    const many = compilePolicy({
      rules: Array.from({ length: 100 }, (_, i) => ({
        when: {
          all: [
            { pointer: "/decision_context/decision_type", eq: `type-${i}` },
            { pointer: "/x", exists: true },
          ],
        },
        tier: "full" as const,
      })),
    });
    const target = event();
    const started = Date.now();
    for (let i = 0; i < 2000; i++) evaluatePolicy(many, target);
    expect(evaluatePolicy(many, target).rule).toBeNull();
    // 200,000 condition checks; generous bound, only to catch accidental quadratic work.
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

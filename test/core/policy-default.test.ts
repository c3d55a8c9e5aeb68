import { describe, expect, it } from "vitest";
import {
  DEFAULT_COMPILED_POLICY,
  DEFAULT_POLICY,
  evaluatePolicy,
  validatePolicy,
} from "../../src/core/policy";

function event(overrides: { override?: unknown; risk?: string } = {}) {
  const e: Record<string, unknown> = {
    schema_version: "0.3.0",
    decision_context: { decision_id: "d-1", decision_type: "credit_approval" },
    decision_logic: { logic_type: "rule_based", output: "approve" },
    human_override_record: { override_occurred: overrides.override ?? false },
    temporal_metadata: {
      event_timestamp: "2026-03-01T09:30:00Z",
      sequence_number: 0,
      hash_chain: { previous_hash: null, current_hash: "00", algorithm: "SHA-256" },
      evidence_tier: "lightweight",
    },
  };
  if (overrides.risk !== undefined)
    e["decision_quality_indicators"] = { decision_risk_level: overrides.risk };
  return e;
}

describe("DEFAULT_POLICY", () => {
  it("passes the policy schema and compiles", () => {
    const result = validatePolicy(DEFAULT_POLICY);
    expect(result.ok).toBe(true);
    if (result.ok)
      expect(result.policy.rules.map((r) => r.name)).toEqual(
        DEFAULT_COMPILED_POLICY.rules.map((r) => r.name),
      );
  });

  it("keeps overridden decisions in full", () => {
    expect(evaluatePolicy(DEFAULT_COMPILED_POLICY, event({ override: true }))).toEqual({
      tier: "full",
      rate: 1,
      rule: "human-override",
    });
    expect(evaluatePolicy(DEFAULT_COMPILED_POLICY, event({ override: true, risk: "low" })).rule).toBe(
      "human-override",
    );
  });

  it.each(["high", "critical"])("keeps %s-risk decisions in full", (risk) => {
    expect(evaluatePolicy(DEFAULT_COMPILED_POLICY, event({ risk }))).toEqual({
      tier: "full",
      rate: 1,
      rule: "high-risk",
    });
  });

  it.each([
    ["no override and no risk level", {}],
    ["low risk", { risk: "low" }],
    ["medium risk", { risk: "medium" }],
    ["an override flag that is not the boolean true", { override: "true" }],
    ["a risk level in other case", { risk: "HIGH" }],
  ])("samples 10%% of plain decisions: %s", (_label, overrides) => {
    expect(evaluatePolicy(DEFAULT_COMPILED_POLICY, event(overrides))).toEqual({
      tier: "sampled",
      rate: 0.1,
      rule: null,
    });
  });

  it("is frozen", () => {
    expect(Object.isFrozen(DEFAULT_POLICY)).toBe(true);
    expect(Object.isFrozen(DEFAULT_POLICY.rules[0]!.when)).toBe(true);
    expect(Object.isFrozen(DEFAULT_COMPILED_POLICY.rules)).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { MAX_ISSUES_PER_EVENT, validateEvent, type ValidationIssue } from "../../src/validate/index";
import {
  DELETE,
  changeAt,
  fullEvent,
  humanDecisionEvent,
  lightweightEvent,
  overriddenEvent,
  type JsonObject,
} from "../fixtures/des-valid-event";

function issuesOf(event: JsonObject): ValidationIssue[] {
  const result = validateEvent(event);
  if (result.ok) throw new Error("expected the event to be rejected");
  return result.errors;
}

const TIERS = "must be one of: lightweight, sampled, full";
const DATE_TIME = "must be a date-time (RFC 3339), e.g. 2026-01-31T12:00:00Z";

describe("missing required fields point at the missing property", () => {
  it.each([
    ["/decision_context"],
    ["/decision_logic"],
    ["/human_override_record"],
    ["/temporal_metadata"],
    ["/decision_context/decision_id"],
    ["/decision_context/decision_type"],
    ["/decision_logic/logic_type"],
    ["/decision_logic/output"],
    ["/human_override_record/override_occurred"],
    ["/temporal_metadata/event_timestamp"],
    ["/temporal_metadata/sequence_number"],
    ["/temporal_metadata/hash_chain"],
    ["/temporal_metadata/evidence_tier"],
    ["/temporal_metadata/hash_chain/current_hash"],
    ["/temporal_metadata/hash_chain/algorithm"],
  ])("%s", (pointer) => {
    const name = pointer.slice(pointer.lastIndexOf("/") + 1);
    expect(issuesOf(changeAt(lightweightEvent(), pointer, DELETE))).toEqual([
      { path: pointer, message: `required property "${name}" is missing` },
    ]);
  });

  it("reports every missing field at once", () => {
    const event = changeAt(
      changeAt(lightweightEvent(), "/decision_context/decision_id", DELETE),
      "/decision_logic/output",
      DELETE,
    );
    expect(issuesOf(event)).toEqual([
      { path: "/decision_context/decision_id", message: 'required property "decision_id" is missing' },
      { path: "/decision_logic/output", message: 'required property "output" is missing' },
    ]);
  });
});

describe("wrong values name what is expected", () => {
  it.each([
    ["/decision_context", "ctx", "must be an object"],
    ["/decision_context/decision_id", 17, "must be a string"],
    ["/human_override_record/override_occurred", "false", "must be a boolean"],
    ["/temporal_metadata/sequence_number", "3", "must be an integer"],
    ["/temporal_metadata/sequence_number", 1.5, "must be an integer"],
    ["/temporal_metadata/sequence_number", -1, "must be >= 0"],
    ["/temporal_metadata/hash_chain/previous_hash", 7, "must be a string or null"],
    ["/temporal_metadata/evidence_tier", "gold", TIERS],
    ["/temporal_metadata/evidence_tier", 1, TIERS],
    ["/temporal_metadata/event_timestamp", "2026-13-01T00:00:00Z", DATE_TIME],
    ["/temporal_metadata/event_timestamp", "2026-02-30T00:00:00Z", DATE_TIME],
    ["/temporal_metadata/event_timestamp", "2026-03-01T25:00:00Z", DATE_TIME],
    ["/temporal_metadata/event_timestamp", "2026-03-01T09:30:00", DATE_TIME],
    ["/temporal_metadata/event_timestamp", "yesterday", DATE_TIME],
  ])("%s = %j: %s", (pointer, value, message) => {
    expect(issuesOf(changeAt(lightweightEvent(), pointer, value))).toEqual([{ path: pointer, message }]);
  });

  it("gives an invalid logic_type one message covering both accepted forms", () => {
    expect(issuesOf(changeAt(lightweightEvent(), "/decision_logic/logic_type", "Fintech:Scoring"))).toEqual([
      {
        path: "/decision_logic/logic_type",
        message:
          'must be one of: rule_based, ml_inference, hybrid, policy_evaluation, human_decision, or a namespaced value "namespace:name" in lower-case letters, digits and _, e.g. fintech:credit_scoring',
      },
    ]);
  });

  it("reports a non-string logic_type as a type error only", () => {
    expect(issuesOf(changeAt(lightweightEvent(), "/decision_logic/logic_type", 3))).toEqual([
      { path: "/decision_logic/logic_type", message: "must be a string" },
    ]);
  });

  it("checks optional groups when present", () => {
    const event = fullEvent();
    changeAt(event, "/decision_quality_indicators/decision_risk_level", "extreme");
    changeAt(event, "/decision_quality_indicators/confidence_score", 1.5);
    changeAt(event, "/temporal_metadata/ground_truth_arrival_timestamp", "2026-04-01");
    expect(issuesOf(event)).toEqual([
      { path: "/decision_quality_indicators/confidence_score", message: "must be <= 1" },
      {
        path: "/decision_quality_indicators/decision_risk_level",
        message: "must be one of: low, medium, high, critical",
      },
      { path: "/temporal_metadata/ground_truth_arrival_timestamp", message: DATE_TIME },
    ]);
  });
});

describe("conditional requirements say what made them required", () => {
  it.each([
    "original_output",
    "overridden_output",
    "override_timestamp",
    "override_actor",
    "override_rationale",
  ])("an override without %s", (field) => {
    const pointer = `/human_override_record/${field}`;
    expect(issuesOf(changeAt(overriddenEvent(), pointer, DELETE))).toEqual([
      {
        path: pointer,
        message: `required property "${field}" is missing (required when override_occurred is true)`,
      },
    ]);
  });

  it("checks override_timestamp's format", () => {
    const pointer = "/human_override_record/override_timestamp";
    expect(issuesOf(changeAt(overriddenEvent(), pointer, "2026-03-01 09:41"))).toEqual([
      { path: pointer, message: DATE_TIME },
    ]);
  });

  it("a human decision without actor and rationale", () => {
    const event = humanDecisionEvent();
    changeAt(event, "/human_override_record/override_actor", DELETE);
    changeAt(event, "/human_override_record/override_rationale", DELETE);
    expect(issuesOf(event)).toEqual([
      {
        path: "/human_override_record/override_actor",
        message: 'required property "override_actor" is missing (required when logic_type is human_decision)',
      },
      {
        path: "/human_override_record/override_rationale",
        message:
          'required property "override_rationale" is missing (required when logic_type is human_decision)',
      },
    ]);
  });

  it("one issue, naming both conditions, when an overridden human decision lacks its actor", () => {
    const event = changeAt(overriddenEvent(), "/decision_logic/logic_type", "human_decision");
    changeAt(event, "/human_override_record/override_actor", DELETE);
    expect(issuesOf(event)).toEqual([
      {
        path: "/human_override_record/override_actor",
        message:
          'required property "override_actor" is missing (required when logic_type is human_decision and when override_occurred is true)',
      },
    ]);
  });

  it.each(["sampled", "full"])("tier %s without decision_quality_indicators", (tier) => {
    const event = changeAt(lightweightEvent(), "/temporal_metadata/evidence_tier", tier);
    expect(issuesOf(event)).toEqual([
      {
        path: "/decision_quality_indicators",
        message:
          'required property "decision_quality_indicators" is missing (required when evidence_tier is sampled or full)',
      },
    ]);
  });

  it("tier full with decision_quality_indicators but no risk level", () => {
    const event = changeAt(fullEvent(), "/decision_quality_indicators/decision_risk_level", DELETE);
    expect(issuesOf(event)).toEqual([
      {
        path: "/decision_quality_indicators/decision_risk_level",
        message:
          'required property "decision_risk_level" is missing (required when evidence_tier is sampled or full)',
      },
    ]);
  });

  it("lightweight needs no risk level and no override details", () => {
    expect(validateEvent(changeAt(fullEvent(), "/temporal_metadata/evidence_tier", "lightweight")).ok).toBe(
      true,
    );
    const lightweight = changeAt(lightweightEvent(), "/decision_quality_indicators", {});
    expect(validateEvent(lightweight).ok).toBe(true);
  });

  it("reports a group of the wrong type once, even when a conditional also checks it", () => {
    const event = changeAt(humanDecisionEvent(), "/human_override_record", "none");
    expect(issuesOf(event)).toEqual([{ path: "/human_override_record", message: "must be an object" }]);
  });
});

describe("error list size", () => {
  it(`reports at most ${MAX_ISSUES_PER_EVENT} issues, the last counting the rest`, () => {
    const values = Array.from({ length: 50 }, (_, i) => i);
    const issues = issuesOf(changeAt(lightweightEvent(), "/decision_context/available_inputs", values));
    expect(issues).toHaveLength(MAX_ISSUES_PER_EVENT);
    expect(issues[0]).toEqual({ path: "/decision_context/available_inputs/0", message: "must be a string" });
    expect(issues[MAX_ISSUES_PER_EVENT - 2]).toEqual({
      path: `/decision_context/available_inputs/${MAX_ISSUES_PER_EVENT - 2}`,
      message: "must be a string",
    });
    expect(issues[MAX_ISSUES_PER_EVENT - 1]).toEqual({
      path: "",
      message: `${50 - (MAX_ISSUES_PER_EVENT - 1)} more issues not shown (at most ${MAX_ISSUES_PER_EVENT} are reported per event)`,
    });
  });

  it(`returns all ${MAX_ISSUES_PER_EVENT} when there are exactly that many`, () => {
    const values = Array.from({ length: MAX_ISSUES_PER_EVENT }, (_, i) => i);
    const issues = issuesOf(changeAt(lightweightEvent(), "/decision_context/available_inputs", values));
    expect(issues.map((issue) => issue.path)).toEqual(
      values.map((i) => `/decision_context/available_inputs/${i}`),
    );
  });
});

import { describe, expect, it } from "vitest";
import { projectRequired, REQUIRED_FIELD_POINTERS } from "../../src/core/projection";
import { parsePointer, resolvePointer } from "../../src/core/policy/json-pointer";

/** A full DES 0.3.0 event: every required field plus optional groups and extension members. */
function fullEvent() {
  return {
    schema_version: "0.3.0",
    decision_context: {
      decision_id: "fraud-2026-77",
      decision_type: "fraud_detection",
      trigger: "card payment",
      inputs: [{ input_id: "txn-1", input_type: "transaction" }],
    },
    decision_logic: {
      logic_type: "ml_inference",
      output: { action: "decline", score: 0.93, reasons: ["velocity", "geo"] },
      model_inference: { model_id: "gbm-fraud", model_version: "2026.02" },
    },
    human_override_record: { override_occurred: false, override_type: null },
    decision_quality_indicators: { decision_risk_level: "high", confidence_score: 0.93 },
    decision_boundary: { contributing_subsystems: ["feature-store"] },
    temporal_metadata: {
      event_timestamp: "2026-03-01T09:30:00Z",
      processing_duration_ms: 12.5,
      sequence_number: 41,
      hash_chain: { previous_hash: "3e19", current_hash: "4f2a9c", algorithm: "SHA-256", note: "extension" },
      evidence_tier: "full",
      retention_policy: { minimum_retention: "P6M" },
    },
    x_vendor: { anything: true },
  };
}

describe("projectRequired", () => {
  it("keeps exactly the ten required fields, nested as in the event", () => {
    expect(projectRequired(fullEvent())).toEqual({
      schema_version: "0.3.0",
      decision_context: { decision_id: "fraud-2026-77", decision_type: "fraud_detection" },
      decision_logic: {
        logic_type: "ml_inference",
        output: { action: "decline", score: 0.93, reasons: ["velocity", "geo"] },
      },
      human_override_record: { override_occurred: false },
      temporal_metadata: {
        event_timestamp: "2026-03-01T09:30:00Z",
        sequence_number: 41,
        hash_chain: { previous_hash: "3e19", current_hash: "4f2a9c", algorithm: "SHA-256" },
        evidence_tier: "full",
      },
    });
  });

  it("resolves every required pointer to the same value as in the event", () => {
    const event = fullEvent();
    const projection = projectRequired(event);
    expect(REQUIRED_FIELD_POINTERS).toHaveLength(10);
    for (const pointer of REQUIRED_FIELD_POINTERS) {
      const parsed = parsePointer(pointer);
      const original = resolvePointer(event, parsed);
      const kept = resolvePointer(projection, parsed);
      expect(kept, pointer).not.toBeUndefined();
      if (pointer === "/temporal_metadata/hash_chain") {
        expect(kept).toEqual({ previous_hash: "3e19", current_hash: "4f2a9c", algorithm: "SHA-256" });
      } else {
        expect(kept, pointer).toEqual(original);
      }
    }
  });

  it("keeps a null previous_hash and omits an absent one", () => {
    const event = fullEvent();
    const chain: Record<string, unknown> = event.temporal_metadata.hash_chain;
    chain["previous_hash"] = null;
    expect(projectRequired(event).temporal_metadata.hash_chain).toEqual({
      previous_hash: null,
      current_hash: "4f2a9c",
      algorithm: "SHA-256",
    });
    delete chain["previous_hash"];
    const projected = projectRequired(event).temporal_metadata.hash_chain;
    expect(projected).toEqual({ current_hash: "4f2a9c", algorithm: "SHA-256" });
    expect("previous_hash" in projected).toBe(false);
  });

  it("keeps outputs of any JSON type, including false, 0 and null", () => {
    for (const output of [false, 0, null, "deny", [1, 2]]) {
      const event = fullEvent();
      (event.decision_logic as Record<string, unknown>)["output"] = output;
      const projection = projectRequired(event);
      expect(projection.decision_logic).toEqual({ logic_type: "ml_inference", output });
      expect(Object.keys(projection.decision_logic)).toContain("output");
    }
  });

  it("builds new containers and leaves the event untouched", () => {
    const event = fullEvent();
    const before = JSON.stringify(event);
    const projection = projectRequired(event);
    expect(projection.temporal_metadata).not.toBe(event.temporal_metadata);
    expect(projection.temporal_metadata.hash_chain).not.toBe(event.temporal_metadata.hash_chain);
    expect(JSON.stringify(event)).toBe(before);
  });
});

/**
 * Decision Event Schema (DES) 0.3.0 as the SDK builds it. Only the fields the builder sets are
 * named; every group allows more properties, as the schema does (`additionalProperties` is
 * allowed everywhere), so producers can attach their own context.
 */
import type { Tier } from "../core/protocol";

/** DES `evidence_tier`: the wire's tier names (src/core/protocol/tier.ts). */
export type EvidenceTier = Tier;

export type RiskLevel = "low" | "medium" | "high" | "critical";

/** DES core logic types. */
export type CoreLogicType = "rule_based" | "ml_inference" | "hybrid" | "policy_evaluation" | "human_decision";

/**
 * A core logic type or a namespaced extension `ns:name` (lower case, digits and `_`; the
 * schema's pattern `^[a-z][a-z0-9_]*:[a-z][a-z0-9_]*$`, checked at build time).
 */
export type LogicType = CoreLogicType | `${string}:${string}`;

/** Who overrode (or, for `human_decision`, who took) a decision. */
export type OverrideActor = {
  actor_id: string;
  actor_role?: string;
  authorization_level?: string;
  [key: string]: unknown;
};

export type DesHashChain = {
  algorithm: string;
  previous_hash: string | null;
  current_hash: string;
  [key: string]: unknown;
};

/** A DES 0.3.0 event with the required fields typed. */
export type DesEvent = {
  schema_version: string;
  decision_context: { decision_id: string; decision_type: string; [key: string]: unknown };
  decision_logic: { logic_type: LogicType; output: unknown; [key: string]: unknown };
  human_override_record: { override_occurred: boolean; [key: string]: unknown };
  temporal_metadata: {
    event_timestamp: string;
    sequence_number: number;
    hash_chain: DesHashChain;
    evidence_tier: EvidenceTier;
    [key: string]: unknown;
  };
  decision_quality_indicators?: { decision_risk_level?: RiskLevel; [key: string]: unknown };
  [key: string]: unknown;
};

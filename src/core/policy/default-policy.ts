import { compilePolicy } from "./compile";
import type { CompiledPolicy, PolicyDocument } from "./types";

/**
 * The policy of a tenant that has not set one: keep the whole body of every decision a human
 * overrode and of every high- or critical-risk decision (the events an incident review asks
 * for first), and a consistent 10% sample of the rest.
 */
export const DEFAULT_POLICY: PolicyDocument = Object.freeze({
  rules: Object.freeze([
    Object.freeze({
      name: "human-override",
      when: Object.freeze({ pointer: "/human_override_record/override_occurred", eq: true }),
      tier: "full",
    }),
    Object.freeze({
      name: "high-risk",
      when: Object.freeze({
        pointer: "/decision_quality_indicators/decision_risk_level",
        in: Object.freeze(["high", "critical"]),
      }),
      tier: "full",
    }),
  ]),
  default: Object.freeze({ tier: "sampled", rate: 0.1 }),
});

/** `DEFAULT_POLICY`, compiled once. */
export const DEFAULT_COMPILED_POLICY: CompiledPolicy = compilePolicy(DEFAULT_POLICY);

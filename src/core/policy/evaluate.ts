import type { CompiledPolicy, PolicyDecision } from "./types";

/**
 * The tier and rate `policy` assigns to `event`: the first rule whose condition matches
 * decides, else the policy's default. Runs for every ingested event, so it allocates nothing:
 * the returned decision is a frozen object shared by every event the same rule decides.
 *
 * Precondition: `policy` comes from `compilePolicy` (or `validatePolicy`). `event` may be any
 * JSON value; a pointer that does not resolve in it simply does not match.
 */
export function evaluatePolicy(policy: CompiledPolicy, event: unknown): PolicyDecision {
  const { rules } = policy;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    if (rule.test(event)) return rule.decision;
  }
  return policy.fallback;
}

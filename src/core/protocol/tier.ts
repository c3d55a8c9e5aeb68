/**
 * DES 0.3.0 evidence tiers (`temporal_metadata.evidence_tier`). The tiers are ordered by how
 * much of the event they keep: lightweight = the required fields only, sampled = context plus
 * abbreviated logic, full = every property group. edgelog retains an event at the higher of the
 * tier its producer declares and the tier the tenant's policy assigns, so the order matters
 * (README, "Tiered evidence").
 */

/** Every tier, from the least to the most evidence kept. */
export const TIERS = Object.freeze(["lightweight", "sampled", "full"] as const);

export type Tier = (typeof TIERS)[number];

/** Every tier, from the least to the most evidence kept (the same list as `TIERS`). */
export const TIER_ORDER: readonly Tier[] = TIERS;

/** True when `x` is one of the three tier names (exact spelling, as DES's enum requires). */
export function isTier(x: unknown): x is Tier {
  return x === "lightweight" || x === "sampled" || x === "full";
}

/** Position of `tier` in `TIER_ORDER`: 0 for lightweight, 2 for full. */
export function tierRank(tier: Tier): number {
  return tier === "full" ? 2 : tier === "sampled" ? 1 : 0;
}

/** The tier that keeps more evidence of the two; `a` when they are equal. */
export function maxTier(a: Tier, b: Tier): Tier {
  return tierRank(b) > tierRank(a) ? b : a;
}

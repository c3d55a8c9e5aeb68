// The tiers are part of the HTTP contract: their one definition is in ./protocol/tier.ts.
// This module stays so that existing imports keep working; new code imports ./protocol.
export { isTier, maxTier, TIER_ORDER, TIERS, tierRank, type Tier } from "./protocol/tier";

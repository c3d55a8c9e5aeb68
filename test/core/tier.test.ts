import { describe, expect, it } from "vitest";
import { isTier, maxTier, TIER_ORDER, tierRank, type Tier } from "../../src/core/protocol";

describe("tiers", () => {
  it("orders lightweight < sampled < full", () => {
    expect(TIER_ORDER).toEqual(["lightweight", "sampled", "full"]);
    expect(TIER_ORDER.map(tierRank)).toEqual([0, 1, 2]);
    expect(Object.isFrozen(TIER_ORDER)).toBe(true);
  });

  it("maxTier picks the tier that keeps more, whatever the argument order", () => {
    for (const a of TIER_ORDER) {
      for (const b of TIER_ORDER) {
        const expected: Tier = TIER_ORDER[Math.max(TIER_ORDER.indexOf(a), TIER_ORDER.indexOf(b))]!;
        expect(maxTier(a, b)).toBe(expected);
        expect(maxTier(b, a)).toBe(expected);
      }
    }
  });

  it("isTier accepts exactly the three names", () => {
    for (const t of TIER_ORDER) expect(isTier(t)).toBe(true);
    for (const x of ["Full", "FULL", " full", "", "none", null, undefined, 2, ["full"], { tier: "full" }]) {
      expect(isTier(x)).toBe(false);
    }
  });
});

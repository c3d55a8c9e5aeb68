import { describe, expect, it } from "vitest";
import { checkSampleRatio } from "../../src/core/sample-ratio";
import { countedExposure, exposureFields } from "../../src/core/experiment-exposure";

const v = (variant: string, subjects: number, meanProbability: number) => ({
  variant,
  exposures: subjects,
  subjects,
  meanProbability,
});

describe("sample-ratio check", () => {
  it("5,000 vs 5,200 at 50/50 is not a mismatch (p = 0.0477, by hand in chi-square.test.ts)", () => {
    const check = checkSampleRatio([v("a", 5000, 0.5), v("b", 5200, 0.5)]);
    expect(check.pValue).toBeCloseTo(0.0476704, 6);
    expect(check.srm).toBe(false);
    expect(check.verdict).toBe(
      "No sample-ratio mismatch: the split of subjects matches the assignment probabilities (p = 0.048 ≥ 0.001).",
    );
  });

  it("5,000 vs 5,400 at 50/50 is one (p = 8.77e-5), and the verdict names both variants", () => {
    const check = checkSampleRatio([v("a", 5000, 0.5), v("b", 5400, 0.5)]);
    expect(check.srm).toBe(true);
    expect(check.verdict).toBe(
      'Sample-ratio mismatch: subjects per variant "a" 5,000 (expected 5,200), "b" 5,400 (expected 5,200) do not match the assignment probabilities (p = 8.77e-5 < 0.001). Exposures are being lost or duplicated: do not trust comparisons between the variants until the cause is found.',
    );
  });

  it("expected shares come from the logged probabilities, normalized over the variants seen", () => {
    // A 10% holdout that logs no exposures: 0.45 + 0.45 = 0.9, shares 0.5 each.
    const check = checkSampleRatio([v("a", 450, 0.45), v("b", 450, 0.45)]);
    expect(check.probabilitySum).toBeCloseTo(0.9, 12);
    expect(check.variants.map((c) => c.expectedShare)).toEqual([0.5, 0.5]);
    expect(check.statistic).toBe(0);
  });

  it("does not test one variant or expected counts under 5", () => {
    expect(checkSampleRatio([v("a", 100, 1)]).srm).toBeNull();
    const small = checkSampleRatio([v("a", 8, 0.9), v("b", 1, 0.1)]);
    expect(small.srm).toBeNull();
    expect(small.pValue).toBeNull();
    expect(small.verdict).toBe(
      "Not tested yet: too few subjects (the smallest expected count is 0.9, the test needs at least 5 per variant).",
    );
  });
});

describe("exposure fields", () => {
  const event = (parameters: Record<string, unknown>, logicType = "ab:exposure") => ({
    decision_logic: { logic_type: logicType, output: "a", parameters },
  });
  const good = { experiment: "e", variant: "a", subject: "u1", assignment_probability: 0.5 };

  it("reads the four parameters of an ab:exposure record", () => {
    expect(exposureFields(event(good))).toEqual({
      experiment: "e",
      variant: "a",
      subject: "u1",
      probability: 0.5,
    });
  });

  it("ignores other logic types and unusable parameters", () => {
    expect(exposureFields(event(good, "ab:assignment"))).toBeNull();
    expect(exposureFields(event({ ...good, assignment_probability: 0 }))).toBeNull();
    expect(exposureFields(event({ ...good, assignment_probability: 1.01 }))).toBeNull();
    expect(exposureFields(event({ ...good, assignment_probability: "0.5" }))).toBeNull();
    expect(exposureFields(event({ ...good, variant: "" }))).toBeNull();
    expect(exposureFields(event({ ...good, experiment: "x".repeat(201) }))).toBeNull();
    expect(exposureFields(event({ ...good, subject: 42 }))).toBeNull();
    expect(exposureFields({ decision_logic: null })).toBeNull();
  });

  it("keys the subject with the tenant's masking HMAC: 128 bits, stable, salt-dependent", () => {
    const a = countedExposure(event(good), new Uint8Array(32));
    const b = countedExposure(event(good), new Uint8Array(32));
    const c = countedExposure(event(good), new Uint8Array(32).fill(1));
    expect(a!.subjectKey).toMatch(/^[0-9a-f]{32}$/);
    expect(a!.subjectKey).toBe(b!.subjectKey);
    expect(a!.subjectKey).not.toBe(c!.subjectKey);
    expect(JSON.stringify(a)).not.toContain("u1");
  });
});

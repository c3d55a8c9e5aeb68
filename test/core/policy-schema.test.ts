import { describe, expect, it } from "vitest";
import schema from "../../schema/policy.schema.json";
import validatePolicySchema from "../../src/generated/validators/policy";
import {
  MAX_CONDITION_DEPTH,
  MAX_GROUP_SIZE,
  MAX_IN_VALUES,
  MAX_MASKS,
  MAX_RULES,
} from "../../src/core/policy";

type Defs = Record<string, { maxItems?: number }>;

describe("schema/policy.schema.json", () => {
  const defs = schema.$defs as unknown as Defs;

  it("states the same limits as the code", () => {
    expect(schema.properties.rules.maxItems).toBe(MAX_RULES);
    expect(schema.properties.mask.maxItems).toBe(MAX_MASKS);
    expect(defs["inValues"]?.maxItems).toBe(MAX_IN_VALUES);
    const levels = Object.keys(defs).filter((name) => /^condition\d+$/.test(name));
    expect(levels).toHaveLength(MAX_CONDITION_DEPTH);
    for (let depth = 2; depth <= MAX_CONDITION_DEPTH; depth++) {
      expect(defs[`conditions${depth}`]?.maxItems).toBe(MAX_GROUP_SIZE);
    }
  });

  it("is compiled into the generated validator", () => {
    expect(validatePolicySchema({ rules: [] })).toBe(true);
    expect(validatePolicySchema({ rules: [], extra: 1 })).toBe(false);
    expect(validatePolicySchema.errors?.[0]?.keyword).toBe("additionalProperties");
  });
});

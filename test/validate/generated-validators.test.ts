import { describe, expect, it } from "vitest";
import { validators } from "../../src/generated/validators/index";
import { changeAt, lightweightEvent } from "../fixtures/des-valid-event";

// Runs in workerd: importing the generated module here proves it loads without ajv's
// run-time compiler (no `new Function`) and that its CommonJS imports resolve.
describe("generated DES 0.3.0 validator in workerd", () => {
  const validate = validators["des-0.3.0"];

  it("accepts a valid event and clears errors", () => {
    expect(validate(lightweightEvent())).toBe(true);
    expect(validate.errors).toBeNull();
  });

  it("asserts the date-time format through the imported format implementation", () => {
    const event = changeAt(lightweightEvent(), "/temporal_metadata/event_timestamp", "2026-02-29T00:00:00Z");
    expect(validate(event)).toBe(false);
    expect(validate.errors).toEqual([
      {
        instancePath: "/temporal_metadata/event_timestamp",
        schemaPath: "#/$defs/timestamp/format",
        keyword: "format",
        params: { format: "date-time" },
        message: 'must match format "date-time"',
      },
    ]);
    const leapDay = changeAt(
      lightweightEvent(),
      "/temporal_metadata/event_timestamp",
      "2028-02-29T00:00:00Z",
    );
    expect(validate(leapDay)).toBe(true);
  });

  it("collects every error (allErrors)", () => {
    const event = changeAt(lightweightEvent(), "/decision_context", {});
    expect(validate(event)).toBe(false);
    expect(validate.errors?.map((e) => e.params["missingProperty"])).toEqual([
      "decision_id",
      "decision_type",
    ]);
  });
});

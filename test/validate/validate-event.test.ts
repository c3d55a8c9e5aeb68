import { describe, expect, it } from "vitest";
import { SUPPORTED_SCHEMA_VERSIONS, validateEvent } from "../../src/validate/index";
import { DELETE, VALID_EVENTS, changeAt, lightweightEvent } from "../fixtures/des-valid-event";

describe("validateEvent: valid events", () => {
  it.each(VALID_EVENTS)("accepts %s", (_name, build) => {
    expect(validateEvent(build())).toEqual({ ok: true, schemaVersion: "0.3.0" });
  });

  it("returns one shared, frozen result for every accepted event", () => {
    const first = validateEvent(lightweightEvent());
    const second = validateEvent(VALID_EVENTS[1]![1]());
    expect(second).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it("accepts unknown properties at every level", () => {
    const event = lightweightEvent();
    for (const pointer of [
      "/x_root",
      "/decision_context/x",
      "/decision_logic/x",
      "/human_override_record/x",
      "/temporal_metadata/x",
      "/temporal_metadata/hash_chain/x",
    ]) {
      changeAt(event, pointer, { nested: [1, "two"] });
    }
    expect(validateEvent(event).ok).toBe(true);
  });
});

describe("validateEvent: what it validates against", () => {
  it.each([
    ["null", null],
    ["an array", [lightweightEvent()]],
    ["a string", "{}"],
    ["a number", 42],
    ["undefined", undefined],
  ])("rejects %s at the root", (_name, value) => {
    expect(validateEvent(value)).toEqual({
      ok: false,
      errors: [{ path: "", message: "must be an object (a decision event)" }],
    });
  });

  it("needs schema_version before anything else", () => {
    const event = changeAt(lightweightEvent(), "/schema_version", DELETE);
    expect(validateEvent(event)).toEqual({
      ok: false,
      errors: [{ path: "/schema_version", message: 'required property "schema_version" is missing' }],
    });
  });

  it.each([[3], [null], [["0.3.0"]]])("rejects a non-string schema_version %j", (version) => {
    const event = changeAt(lightweightEvent(), "/schema_version", version);
    expect(validateEvent(event)).toEqual({
      ok: false,
      errors: [{ path: "/schema_version", message: "must be a string" }],
    });
  });

  it.each(["0.4.0", "0.3", "", "__proto__", "constructor", "toString"])(
    "rejects unsupported version %j, listing the supported ones",
    (version) => {
      const result = validateEvent(changeAt(lightweightEvent(), "/schema_version", version));
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.errors).toEqual([
        {
          path: "/schema_version",
          message: `unsupported schema version ${JSON.stringify(version)}; supported: 0.3.0`,
        },
      ]);
    },
  );

  it("lists 0.3.0 as the supported version", () => {
    expect(SUPPORTED_SCHEMA_VERSIONS).toEqual(["0.3.0"]);
  });
});

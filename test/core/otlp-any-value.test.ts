import { describe, expect, it } from "vitest";
import { anyValueToJson, AnyValueError, jsonToAnyValue, type AnyValue } from "../../src/core/otlp/any-value";
import { canonicalJson } from "../../src/core/canonical";
import { makeEvent } from "../support/events";

describe("OTLP AnyValue ↔ JSON mapping", () => {
  it("maps every JSON type both ways without loss (same canonical JSON, hence the same event id)", () => {
    const event = makeEvent({
      tier: "full",
      extra: {
        decision_logic: {
          logic_type: "rule_based",
          output: {
            n: 3,
            x: 0.5,
            neg: -7,
            ok: false,
            none: null,
            list: [1, "two", [3], { four: 4 }],
            "a/b~c": "escaped",
          },
        },
      },
    });
    const value = jsonToAnyValue(event);
    expect(value.kind).toBe("kvlist");
    expect(canonicalJson(anyValueToJson(value, 64))).toBe(canonicalJson(event));
  });

  it("uses int_value for whole numbers and double_value otherwise, the empty AnyValue for null", () => {
    expect(jsonToAnyValue(5)).toEqual({ kind: "int", value: "5" });
    expect(jsonToAnyValue(2.5)).toEqual({ kind: "double", value: 2.5 });
    expect(jsonToAnyValue(null)).toEqual({ kind: "empty" });
    expect(jsonToAnyValue({ a: [true] })).toEqual({
      kind: "kvlist",
      values: [{ key: "a", value: { kind: "array", values: [{ kind: "bool", value: true }] } }],
    });
  });

  it("maps bytes to base64 and refuses what JSON cannot hold exactly", () => {
    expect(anyValueToJson({ kind: "bytes", value: new Uint8Array([0, 255, 16]) }, 1)).toBe("AP8Q");
    const big: AnyValue = {
      kind: "kvlist",
      values: [{ key: "seq", value: { kind: "int", value: "9007199254740993" } }],
    };
    expect(() => anyValueToJson(big, 4)).toThrow(AnyValueError);
    expect(() => anyValueToJson(big, 4)).toThrow(
      "/seq: expected an int_value within ±(2^53 − 1), found 9007199254740993",
    );
    expect(() => anyValueToJson({ kind: "double", value: NaN }, 1)).toThrow(/finite double_value, found NaN/);
    const dup: AnyValue = {
      kind: "kvlist",
      values: [
        { key: "k", value: { kind: "empty" } },
        { key: "k", value: { kind: "empty" } },
      ],
    };
    expect(() => anyValueToJson(dup, 4)).toThrow(
      "/k: expected unique keys in a kvlist_value, found key 'k' twice",
    );
    const deep: AnyValue = { kind: "array", values: [{ kind: "array", values: [] }] };
    expect(anyValueToJson(deep, 2)).toEqual([[]]);
    expect(() => anyValueToJson(deep, 1)).toThrow(/nesting depth/);
  });
});

import { describe, expect, it } from "vitest";
import { findIJsonViolations, findValueViolations, numberInexactness } from "../../src/core/ijson";

describe("numberInexactness (RFC 7493 §2.2 against the RFC 8785 form)", () => {
  it.each([
    "0",
    "-0",
    "0.0",
    "-0.0",
    "0e5",
    "0E-400",
    "1",
    "1.0",
    "1.000",
    "10",
    "1e1",
    "100e-2",
    "1E+2",
    "0.1",
    "0.30000000000000004",
    "1e21",
    "1e+21",
    "1E21",
    "123456789012345",
    "-123456789012345",
    "9007199254740992",
    "-9007199254740992",
    "5e-324",
    "-5e-324",
    "1.7976931348623157e308",
    "1.7976931348623157e+308",
    "295147905179352830000",
    "9.999999999999997e+22",
    "1e+23",
    "1.0000000000000001e+23",
    "999999999999999700000",
    "0.000001",
    "1e-7",
    "333333333.33333325",
    "-0.0000033333333333333333",
    "1424953923781206.2",
    "0.0000000000000000000000000001e28",
  ])("%s is exact", (literal) => {
    expect(numberInexactness(literal)).toBeNull();
  });

  it.each([
    ["9007199254740993", "9007199254740992"],
    ["-9007199254740993", "-9007199254740992"],
    ["1.00000000000000001", "1"],
    ["18446744073709551615", "18446744073709552000"],
    ["0.1000000000000000055511151231257827", "0.1"],
    ["4e-324", "5e-324"],
  ])("%s is not exact (stored as %s)", (literal, stored) => {
    expect(numberInexactness(literal)).toEqual({ kind: "precision", stored });
  });

  it("reports overflow and underflow", () => {
    expect(numberInexactness("1e400")).toEqual({ kind: "overflow" });
    expect(numberInexactness("-1e309")).toEqual({ kind: "overflow" });
    expect(numberInexactness("1.7976931348623159e308")).toEqual({ kind: "overflow" });
    expect(numberInexactness("1e-400")).toEqual({ kind: "underflow" });
    expect(numberInexactness("2e-324")).toEqual({ kind: "underflow" });
  });
});

describe("findIJsonViolations", () => {
  it("finds nothing in I-JSON text", () => {
    const text =
      '{"a":[1,2.5,{"b":"x\\"y","c":null}],"d":{"e":true,"f":"\\ud83d\\ude00"},"g":-0,"h":"\\u00e9"}';
    expect(findIJsonViolations(text, { arrayOfItems: false })).toEqual([]);
  });

  it("reports a duplicate name with its pointer, unescaped names included", () => {
    const v = findIJsonViolations('{"p":{"x":1,"y":2,"\\u0078":3},"q":{"x":1}}', { arrayOfItems: false });
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ item: 0, rule: "duplicate-name", pointer: "/p/x" });
    expect(v[0]!.message).toBe(
      'member name "x" occurs more than once in this object (I-JSON, RFC 7493 §2.3); send each name once',
    );
  });

  it("checks names per object: the same name in sibling and nested objects is fine", () => {
    expect(findIJsonViolations('{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}', { arrayOfItems: false })).toEqual(
      [],
    );
    const many = "{" + Array.from({ length: 40 }, (_, i) => `"k${i}":${i}`).join(",") + ',"k7":0}';
    expect(findIJsonViolations(many, { arrayOfItems: false }).map((v) => v.pointer)).toEqual(["/k7"]);
  });

  it("reports an inexact number with pointer and the fix", () => {
    const v = findIJsonViolations('{"parameters":{"big":9007199254740993,"a/b~":[1,1e400]}}', {
      arrayOfItems: false,
    });
    expect(v.map((x) => x.pointer)).toEqual(["/parameters/big", "/parameters/a~1b~0/1"]);
    expect(v[0]!.message).toBe(
      'number 9007199254740993 has more precision than an IEEE 754 double holds and would be stored as 9007199254740992 (I-JSON, RFC 7493 §2.2); send it as a string ("9007199254740993") to keep every digit',
    );
    expect(v[1]!.message).toBe(
      'number 1e400 is larger than an IEEE 754 double can hold (I-JSON, RFC 7493 §2.2); send it as a string ("1e400") to keep every digit',
    );
  });

  it("reports escaped lone surrogates, not pairs", () => {
    const v = findIJsonViolations('{"a":"ok\\ud83d\\ude00","b":"x\\ud800","\\udc00":1,"c":"\\\\ud800"}', {
      arrayOfItems: false,
    });
    expect(v.map((x) => [x.pointer, x.rule])).toEqual([
      ["/b", "invalid-unicode"],
      ["/\udc00", "invalid-unicode"],
    ]);
    expect(v[0]!.message).toContain("lone surrogate \\uD800");
  });

  it("attributes problems to the array element they are in", () => {
    const text = '[{"a":1},{"a":1,"a":2},{"n":[0,1.00000000000000001]},{"s":"a,b]"}]';
    const v = findIJsonViolations(text, { arrayOfItems: true });
    expect(v.map((x) => [x.item, x.pointer])).toEqual([
      [1, "/a"],
      [2, "/n/1"],
    ]);
    expect(findIJsonViolations(text, { arrayOfItems: false }).map((x) => [x.item, x.pointer])).toEqual([
      [0, "/1/a"],
      [0, "/2/n/1"],
    ]);
  });

  it("caps the problems recorded per item", () => {
    const text = "{" + Array.from({ length: 50 }, () => '"a":1').join(",") + "}";
    expect(findIJsonViolations(text, { arrayOfItems: false, maxPerItem: 5 })).toHaveLength(5);
  });
});

describe("findValueViolations (what JSON.stringify would change)", () => {
  it("accepts plain data, undefined members and toJSON", () => {
    expect(
      findValueViolations({
        a: 1,
        b: [1, "x", null, { c: -0 }],
        d: undefined,
        e: new Date(0),
        f: "\ud83d\ude00",
      }),
    ).toEqual([]);
  });

  it("reports non-finite numbers, BigInt, lone surrogates and holes that become null", () => {
    const v = findValueViolations({
      n: NaN,
      i: [Infinity],
      b: 10n ** 20n,
      s: "x\ud800",
      ["k\udfff"]: 1,
      arr: [undefined, () => 1],
    });
    expect(v.map((x) => [x.pointer, x.rule])).toEqual([
      ["/n", "no-json-form"],
      ["/i/0", "no-json-form"],
      ["/b", "no-json-form"],
      ["/s", "invalid-unicode"],
      ["/k\udfff", "invalid-unicode"],
      ["/arr/0", "no-json-form"],
      ["/arr/1", "no-json-form"],
    ]);
    expect(v[2]!.message).toContain('send it as a string ("100000000000000000000")');
  });
});

import { describe, expect, it } from "vitest";
import { CanonicalJsonError, canonicalBytes, canonicalJson } from "../../src/core/canonical";
import { toHex } from "../../src/core/bytes";

/** A double from its IEEE-754 bit pattern, as RFC 8785 Appendix B lists them. */
function fromIeee754(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

describe("RFC 8785 Appendix B: number serialization", () => {
  const cases: Array<[string, string]> = [
    ["0000000000000000", "0"],
    ["8000000000000000", "0"], // minus zero
    ["0000000000000001", "5e-324"],
    ["8000000000000001", "-5e-324"],
    ["7fefffffffffffff", "1.7976931348623157e+308"],
    ["ffefffffffffffff", "-1.7976931348623157e+308"],
    ["4340000000000000", "9007199254740992"],
    ["c340000000000000", "-9007199254740992"],
    ["4430000000000000", "295147905179352830000"],
    ["44b52d02c7e14af5", "9.999999999999997e+22"],
    ["44b52d02c7e14af6", "1e+23"],
    ["44b52d02c7e14af7", "1.0000000000000001e+23"],
    ["444b1ae4d6e2ef4e", "999999999999999700000"],
    ["444b1ae4d6e2ef4f", "999999999999999900000"],
    ["444b1ae4d6e2ef50", "1e+21"],
    ["3eb0c6f7a0b5ed8c", "9.999999999999997e-7"],
    ["3eb0c6f7a0b5ed8d", "0.000001"],
    ["41b3de4355555553", "333333333.3333332"],
    ["41b3de4355555554", "333333333.33333325"],
    ["41b3de4355555555", "333333333.3333333"],
    ["41b3de4355555556", "333333333.3333334"],
    ["41b3de4355555557", "333333333.33333343"],
    ["becbf647612f3696", "-0.0000033333333333333333"],
    ["43143ff3c1cb0959", "1424953923781206.2"],
  ];
  it.each(cases)("%s serializes as %s", (hex, expected) => {
    expect(canonicalJson(fromIeee754(hex))).toBe(expected);
    expect(canonicalJson([fromIeee754(hex)])).toBe(`[${expected}]`);
  });

  it.each([
    ["7fffffffffffffff", "NaN"],
    ["7ff0000000000000", "Infinity"],
    ["fff0000000000000", "Infinity"],
  ])("%s (%s) is refused with a typed error", (hex, found) => {
    const value = fromIeee754(hex);
    expect(() => canonicalJson(value)).toThrow(CanonicalJsonError);
    expect(() => canonicalJson({ nested: [value] })).toThrow(
      expect.objectContaining({ name: "CanonicalJsonError", expected: "a finite number", found }),
    );
  });

  it("parsed literals from the text are normalized: 1E30, 4.50, 2e-3, 1e-27, 1e21, 1e-7", () => {
    const parsed = JSON.parse(
      "[1E30, 4.50, 2e-3, 0.000000000000000000000000001, 1e21, 1e-7, -0, 100, 1e+30]",
    );
    expect(canonicalJson(parsed)).toBe("[1e+30,4.5,0.002,1e-27,1e+21,1e-7,0,100,1e+30]");
  });
});

describe("RFC 8785 §3.2.2: serialization of primitive data types", () => {
  it("produces the section's example output from its example input", () => {
    const input = JSON.parse(String.raw`{
      "numbers": [333333333.33333329, 1E30, 4.50,
                  2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }`);
    expect(canonicalJson(input)).toBe(
      String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`,
    );
  });

  it("§3.2.2.2: escapes only the mandatory characters, in lowercase hex or the short forms", () => {
    const input = JSON.parse(String.raw`"\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/"`);
    expect(canonicalJson(input)).toBe(String.raw`"€$\u000f\nA'B\"\\\\\"/"`);
    expect(canonicalJson("\b\t\n\f\r\u0000\u001f\u007f")).toBe(
      String.raw`"\b\t\n\f\r\u0000\u001f` + '\u007f"',
    );
  });

  it("§3.2.2.1: literals serialize as null, true, false", () => {
    expect(canonicalJson(null)).toBe("null");
    expect(canonicalJson(true)).toBe("true");
    expect(canonicalJson(false)).toBe("false");
  });
});

/** RFC 8785 §3.2.3 example: property names sorted by their UTF-16 code units. */
const SORTING_INPUT = String.raw`{
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "1": "One",
  "\ud83d\ude00": "Emoji: Grinning Face",
  "\u0080": "Control",
  "\u00f6": "Latin Small Letter O With Diaeresis"
}`;

describe("RFC 8785 §3.2.3: sorting of object properties", () => {
  it("orders the section's example by UTF-16 code units", () => {
    const canonical = canonicalJson(JSON.parse(SORTING_INPUT));
    // Read the order from the text: re-parsing would put "1" (an array index) first.
    const order = [...canonical.matchAll(/:"([^"]+)"/g)].map((m) => m[1]);
    expect(order).toEqual([
      "Carriage Return",
      "One",
      "Control",
      "Latin Small Letter O With Diaeresis",
      "Euro Sign",
      "Emoji: Grinning Face",
      "Hebrew Letter Dalet With Dagesh",
    ]);
  });

  it("sorts nested objects too and keeps array order", () => {
    expect(canonicalJson({ b: [3, { z: 1, a: 2 }], a: { d: null, c: "x" } })).toBe(
      '{"a":{"c":"x","d":null},"b":[3,{"a":2,"z":1}]}',
    );
  });
});

describe("RFC 8785 §3.2.4: UTF-8 generation", () => {
  it("encodes the sorted example as the section's UTF-8 bytes", () => {
    const bytes = canonicalBytes(JSON.parse(SORTING_INPUT));
    // {"\r":"Carriage Return","1":"One","<U+0080>":"Control","ö":"Latin Small Letter O With Diaeresis",
    //  "€":"Euro Sign","😀":"Emoji: Grinning Face","דּ":"Hebrew Letter Dalet With Dagesh"}
    const expected = [
      "7b 22 5c 72 22 3a 22 43 61 72 72 69 61 67 65 20 52 65 74 75 72 6e 22 2c",
      "22 31 22 3a 22 4f 6e 65 22 2c",
      "22 c2 80 22 3a 22 43 6f 6e 74 72 6f 6c 22 2c",
      "22 c3 b6 22 3a 22 4c 61 74 69 6e 20 53 6d 61 6c 6c 20 4c 65 74 74 65 72 20 4f 20 57 69 74 68 20 44 69 61 65 72 65 73 69 73 22 2c",
      "22 e2 82 ac 22 3a 22 45 75 72 6f 20 53 69 67 6e 22 2c",
      "22 f0 9f 98 80 22 3a 22 45 6d 6f 6a 69 3a 20 47 72 69 6e 6e 69 6e 67 20 46 61 63 65 22 2c",
      "22 ef ac b3 22 3a 22 48 65 62 72 65 77 20 4c 65 74 74 65 72 20 44 61 6c 65 74 20 57 69 74 68 20 44 61 67 65 73 68 22 7d",
    ]
      .join(" ")
      .replace(/ /g, "");
    expect(toHex(bytes)).toBe(expected);
  });
});

describe("values RFC 8785 cannot represent", () => {
  it("refuses undefined, functions and symbols at top level", () => {
    for (const value of [undefined, () => 1, Symbol("s")]) {
      expect(() => canonicalJson(value)).toThrow(CanonicalJsonError);
    }
  });

  it("refuses a lone surrogate in a string or a property name", () => {
    expect(() => canonicalJson("\ud800")).toThrow(/lone surrogate/);
    expect(() => canonicalJson({ "\udc00": 1 })).toThrow(CanonicalJsonError);
  });

  it("refuses bigint and cycles", () => {
    expect(() => canonicalJson({ n: 9007199254740993n })).toThrow(/bigint/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/circular/);
  });
});

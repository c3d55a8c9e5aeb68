import canonicalize from "canonicalize";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/core/canonical";

/** A seeded generator of JSON values with the awkward parts JCS cares about. */
function generator(seed: number) {
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const names = [
    "a",
    "b",
    "B",
    "é",
    "€",
    "😀",
    "\u0080",
    "1",
    "10",
    "9",
    "",
    " ",
    "__proto__",
    "a\u0000b",
    "ﬂ",
    "aa",
    "z\n",
  ];
  const strings = [
    "",
    "x",
    "ü€😀",
    "\u2028\u2029",
    '"quote\\',
    "\u0000\u001f",
    "\ud83d\ude00",
    "long".repeat(20),
  ];
  const numbers = [
    0,
    -0,
    1,
    -1,
    0.1,
    1e21,
    1e-7,
    333333333.3333333,
    2 ** 53,
    -(2 ** 53),
    5e-324,
    1.7976931348623157e308,
    4.5,
    123456789012,
  ];
  const value = (depth: number): unknown => {
    const r = next();
    if (depth > 5 || r < 0.35) return pick([...strings, ...numbers, true, false, null] as unknown[]);
    if (r < 0.6) return Array.from({ length: Math.floor(next() * 5) }, () => value(depth + 1));
    const o: Record<string, unknown> = {};
    for (let i = Math.floor(next() * 6); i > 0; i--) {
      const k = pick(names);
      Object.defineProperty(o, k, {
        value: value(depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return o;
  };
  return value;
}

describe("canonicalJson fast path", () => {
  it("agrees with the reference package on 5,000 generated values, through JSON.parse as ingest sees them", () => {
    const value = generator(20261128);
    for (let i = 0; i < 5000; i++) {
      const v = value(0);
      const parsed = JSON.parse(JSON.stringify(v)) as unknown;
      expect(canonicalJson(parsed)).toBe(canonicalize(parsed));
      expect(canonicalJson(v)).toBe(canonicalize(v));
    }
  });

  it("keeps a member named __proto__ and integer-like names in UTF-16 order", () => {
    const v = JSON.parse('{"b":1,"__proto__":{"x":1},"10":2,"9":3," ":4}') as unknown;
    expect(canonicalJson(v)).toBe('{" ":4,"10":2,"9":3,"__proto__":{"x":1},"b":1}');
  });

  it("still refuses what JCS cannot represent", () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/finite number/);
    expect(() => canonicalJson(JSON.parse('{"a":"\\ud800"}'))).toThrow(/surrogate/);
    expect(() => canonicalJson(JSON.parse('{"\\udc00":1}'))).toThrow(/surrogate/);
  });
});

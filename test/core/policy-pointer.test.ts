import { describe, expect, it } from "vitest";
import { jsonEqual } from "../../src/core/policy/json-equal";
import {
  appendToken,
  escapeToken,
  JsonPointerError,
  parsePointer,
  resolvePointer,
} from "../../src/core/policy/json-pointer";

// RFC 6901 §5: the example document and what each pointer designates.
const RFC6901_DOCUMENT: unknown = JSON.parse(
  '{"foo":["bar","baz"],"":0,"a/b":1,"c%d":2,"e^f":3,"g|h":4,"i\\\\j":5,"k\\"l":6," ":7,"m~n":8}',
);

describe("parsePointer / resolvePointer", () => {
  it.each([
    ["", RFC6901_DOCUMENT],
    ["/foo", ["bar", "baz"]],
    ["/foo/0", "bar"],
    ["/", 0],
    ["/a~1b", 1],
    ["/c%d", 2],
    ["/e^f", 3],
    ["/g|h", 4],
    ["/i\\j", 5],
    ['/k"l', 6],
    ["/ ", 7],
    ["/m~0n", 8],
  ])("RFC 6901 §5: %j", (pointer, expected) => {
    expect(resolvePointer(RFC6901_DOCUMENT, parsePointer(pointer))).toEqual(expected);
  });

  it("unescapes ~1 before ~0, so ~01 is a literal ~1 (RFC 6901 §4)", () => {
    expect(parsePointer("/~01").tokens).toEqual(["~1"]);
    expect(parsePointer("/~10").tokens).toEqual(["/0"]);
  });

  it("records array indexes only for canonical decimal tokens", () => {
    expect(parsePointer("/0/10/01/-/1e2/ 1").indexes).toEqual([0, 10, -1, -1, -1, -1]);
  });

  it.each(["a", "foo/bar", "/a~", "/a~2", "/~x", "#/a"])("refuses %j", (text) => {
    expect(() => parsePointer(text)).toThrow(JsonPointerError);
  });

  it("does not resolve past the end, into scalars, or into inherited members", () => {
    const doc = { list: [1, 2], text: "abc", obj: {} };
    for (const p of [
      "/list/2",
      "/list/-",
      "/list/01",
      "/text/0",
      "/obj/constructor",
      "/toString",
      "/missing/x",
    ]) {
      expect(resolvePointer(doc, parsePointer(p)), p).toBeUndefined();
    }
    expect(resolvePointer(null, parsePointer("/a"))).toBeUndefined();
    expect(resolvePointer({ a: null }, parsePointer("/a"))).toBeNull();
  });

  it("escapes tokens so that parsing gives them back", () => {
    for (const token of ["a/b", "m~n", "~1", "/~", "plain"]) {
      expect(parsePointer(appendToken("", token)).tokens).toEqual([token]);
    }
    expect(escapeToken("~/")).toBe("~0~1");
    expect(appendToken("/rules", 3)).toBe("/rules/3");
  });
});

describe("jsonEqual", () => {
  it("compares objects regardless of member order, arrays in order", () => {
    expect(jsonEqual({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 })).toBe(true);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEqual({ a: 1, b: 2 }, { a: 1 })).toBe(false);
    expect(jsonEqual({ a: undefined }, { b: undefined })).toBe(false);
  });

  it("distinguishes types", () => {
    expect(jsonEqual(1, "1")).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
    expect(jsonEqual([], {})).toBe(false);
    expect(jsonEqual({}, [])).toBe(false);
    expect(jsonEqual(0, false)).toBe(false);
    expect(jsonEqual(0, -0)).toBe(true);
  });
});

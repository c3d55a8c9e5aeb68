import { describe, expect, it } from "vitest";
import { appendPointer, escapePointerToken } from "../../src/validate/json-pointer";

describe("JSON Pointer tokens (RFC 6901 §3)", () => {
  it.each([
    ["plain", "plain"],
    ["a/b", "a~1b"],
    ["m~n", "m~0n"],
    ["~/", "~0~1"],
    ["~1", "~01"],
    ["", ""],
  ])("escapes %j as %j", (token, escaped) => {
    expect(escapePointerToken(token)).toBe(escaped);
  });

  it("appends below the root and below a nested pointer", () => {
    expect(appendPointer("", "a/b")).toBe("/a~1b");
    expect(appendPointer("/x/0", "y")).toBe("/x/0/y");
  });
});

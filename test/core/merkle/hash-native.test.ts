import { describe, expect, it } from "vitest";
import { hashLeaf, hashLeavesNative } from "../../../src/core/merkle";
import { utf8 } from "../../../src/core/bytes";

describe("hashLeavesNative", () => {
  it("equals hashLeaf (RFC 9162 leaf hash) for empty, ASCII, non-ASCII and long texts, in order", async () => {
    const texts = ["", "a", '{"x":"ü€😀"}', "z".repeat(5000), "\u0000"];
    const native = await hashLeavesNative(texts);
    expect(native.map((h) => Array.from(h))).toEqual(texts.map((t) => Array.from(hashLeaf(utf8(t)))));
  });
});

import { describe, expect, it } from "vitest";
import { utf8 } from "../../src/core/bytes";
import { CanonicalJsonError } from "../../src/core/canonical";
import { eventDigest, sha256, sha256Hex } from "../../src/core/digest";

describe("sha256Hex", () => {
  // FIPS 180-2 Appendix B examples and the empty message.
  it.each([
    ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    ["abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
    [
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    ],
  ])("SHA-256(%j)", async (message, expected) => {
    expect(await sha256Hex(utf8(message))).toBe(expected);
  });

  it("hashes a million 'a's (FIPS 180-2 B.3)", async () => {
    const bytes = new Uint8Array(1_000_000).fill(0x61);
    expect(await sha256Hex(bytes)).toBe("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  });

  it("hashes only the viewed bytes of a subarray", async () => {
    const view = utf8("xxabcxx").subarray(2, 5);
    expect(await sha256Hex(view)).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect((await sha256(view)).length).toBe(32);
  });
});

describe("eventDigest", () => {
  it("hashes the RFC 8785 form, whatever the key order and spacing", async () => {
    const a = await eventDigest({ b: 1, a: "x" });
    const b = await eventDigest(JSON.parse('{ "a" : "x",\n "b" : 1.0 }'));
    expect(a.canonical).toBe('{"a":"x","b":1}');
    expect(a.hex).toBe("cdab067e9f3beb32d1252cfd63e492592fecbf591b0d08cadb24bb17f3864246");
    expect(b).toEqual(a);
  });

  it("hashes non-ASCII text as UTF-8", async () => {
    const d = await eventDigest({ z: "\u20ac", a: [1, 2] });
    expect(d.canonical).toBe('{"a":[1,2],"z":"€"}');
    expect(d.hex).toBe("1dd8c11b25ba82335b4aa4a30eeac88cd186242ebb34b0165d6beb4f433028fc");
  });

  it("refuses what has no canonical form", async () => {
    await expect(eventDigest({ score: Number.NaN })).rejects.toThrow(CanonicalJsonError);
  });
});

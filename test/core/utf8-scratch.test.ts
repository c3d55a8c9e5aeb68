import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/core/digest";
import { SCRATCH_MAX_UNITS, utf8Transient } from "../../src/core/utf8-scratch";

const encoder = new TextEncoder();

describe("utf8Transient", () => {
  it("gives the bytes TextEncoder gives, for ASCII, multi-byte characters and surrogate pairs", () => {
    for (const text of ["", "abc", "é ü €", "😀 x 😀", "\u2028", "a".repeat(20_000) + "é"]) {
      expect(Array.from(utf8Transient(text))).toEqual(Array.from(encoder.encode(text)));
    }
  });

  it("reuses its buffer for short texts and gives long ones their own array", () => {
    const a = utf8Transient("first");
    const b = utf8Transient("second");
    expect(a.buffer).toBe(b.buffer);
    const long = "x".repeat(SCRATCH_MAX_UNITS + 1);
    const own = utf8Transient(long);
    expect(own.buffer).not.toBe(utf8Transient("short").buffer);
    expect(own.length).toBe(long.length);
  });

  it("may be overwritten as soon as crypto.subtle.digest returns: the digest copied its input", async () => {
    // The ingest path relies on this (WebCrypto §14.3.5 step 2): it encodes the next text into
    // the same buffer before awaiting the previous digest.
    const first = crypto.subtle.digest("SHA-256", utf8Transient("abc"));
    utf8Transient("something else entirely, longer than abc");
    const hex = Array.from(new Uint8Array(await first), (b) => b.toString(16).padStart(2, "0")).join("");
    expect(hex).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(await sha256Hex(encoder.encode("abc"))).toBe(hex);
  });
});

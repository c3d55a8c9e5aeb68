import { sha256 } from "@noble/hashes/sha2.js";
import { describe, expect, it } from "vitest";
import { sha256Prefixed, SMALL_MESSAGE_MAX } from "../../../src/core/merkle/sha256-small";
import { concatBytes, toHex } from "../../../src/core/bytes";

describe("sha256Prefixed", () => {
  it("matches the FIPS 180-4 example and an independent SHA-256 on every message length 1..119", () => {
    // FIPS 180-4 example: SHA-256("abc"), here as prefix 'a' + "bc".
    expect(toHex(sha256Prefixed(0x61, new TextEncoder().encode("bc"), new Uint8Array(0)))).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    let seed = 7;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) & 0xff;
    for (let len = 1; len <= SMALL_MESSAGE_MAX; len++) {
      for (let trial = 0; trial < 5; trial++) {
        const split = Math.floor(((len - 1) * trial) / 4);
        const a = Uint8Array.from({ length: split }, rnd);
        const b = Uint8Array.from({ length: len - 1 - split }, rnd);
        const prefix = rnd();
        expect(toHex(sha256Prefixed(prefix, a, b)), `length ${len}`).toBe(
          toHex(sha256(concatBytes(Uint8Array.of(prefix), a, b))),
        );
      }
    }
  });
});

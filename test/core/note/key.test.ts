import { describe, expect, it } from "vitest";
import { fromHex, toBase64, toHex, utf8 } from "../../../src/core/bytes";
import {
  KeyIdMismatchError,
  MalformedKeyError,
  checkKeyName,
  formatSigningKey,
  formatVerifierKey,
  generateSeed,
  keyId,
  parseSigningKey,
  parseVerifierKey,
  signerFromSeed,
  verifierFromVkey,
} from "../../../src/core/note";
import vector from "../../fixtures/signed-note.json";

const seed = fromHex(vector.ed25519_seed_hex);

describe("the signed-note vector key", () => {
  it("derives the public key from the seed", async () => {
    const signer = await signerFromSeed(vector.key_name, seed);
    expect(toHex(signer.publicKey)).toBe(vector.public_key_hex);
  });

  it("computes the key ID as SHA-256(name || 0x0A || 0x01 || key)[:4]", async () => {
    expect(toHex(keyId(vector.key_name, fromHex(vector.public_key_hex)))).toBe(vector.key_id_hex);
    const signer = await signerFromSeed(vector.key_name, seed);
    expect(toHex(signer.keyId)).toBe(vector.key_id_hex);
  });

  it("formats and parses the vkey", () => {
    expect(formatVerifierKey(vector.key_name, fromHex(vector.public_key_hex))).toBe(vector.vkey);
    const parsed = parseVerifierKey(vector.vkey);
    expect(parsed.name).toBe(vector.key_name);
    expect(toHex(parsed.keyId)).toBe(vector.key_id_hex);
    expect(toHex(parsed.publicKey)).toBe(vector.public_key_hex);
  });

  it("key ID depends on the name", () => {
    expect(toHex(keyId("other.example/log", fromHex(vector.public_key_hex)))).not.toBe(vector.key_id_hex);
  });
});

describe("sign and verify with WebCrypto Ed25519", () => {
  it("a verifier from the vkey accepts the signer's signature and nothing else", async () => {
    const signer = await signerFromSeed(vector.key_name, seed);
    const verifier = await verifierFromVkey(vector.vkey);
    const message = utf8("hello\n");
    const signature = await signer.sign(message);
    expect(signature.length).toBe(64);
    expect(await verifier.verify(message, signature)).toBe(true);
    expect(await verifier.verify(utf8("hellp\n"), signature)).toBe(false);
    expect(await verifier.verify(message, signature.subarray(0, 63))).toBe(false);
  });
});

describe("parseVerifierKey refuses", () => {
  // Split at the first two '+' only: the base64 key data contains '+' too.
  const [name, idHex] = vector.vkey.split("+") as [string, string];
  const keyB64 = vector.vkey.slice(name.length + idHex.length + 2);

  it("vkey with wrong key id, naming the computed and the stated ID", () => {
    const wrong = `${name}+00000000+${keyB64}`;
    expect(() => parseVerifierKey(wrong)).toThrow(KeyIdMismatchError);
    expect(() => parseVerifierKey(wrong)).toThrow(
      expect.objectContaining({ expected: vector.key_id_hex, found: "00000000" }),
    );
  });

  it("vkey with bad base64", () => {
    expect(() => parseVerifierKey(`${name}+${idHex}+${keyB64.slice(0, -1)}!`)).toThrow(MalformedKeyError);
    expect(() => parseVerifierKey(`${name}+${idHex}+${keyB64.slice(1)}`)).toThrow(/base64/);
  });

  it("vkey with unknown key type byte", () => {
    const data = fromHex(`02${vector.public_key_hex}`);
    expect(() => parseVerifierKey(`${name}+${idHex}+${toBase64(data)}`)).toThrow(
      expect.objectContaining({ name: "MalformedKeyError", found: "0x02" }),
    );
  });

  it("vkey with a short public key", () => {
    const data = fromHex(`01${vector.public_key_hex.slice(2)}`);
    expect(() => parseVerifierKey(`${name}+${idHex}+${toBase64(data)}`)).toThrow(
      expect.objectContaining({ expected: "32 bytes", found: "31 bytes" }),
    );
  });

  it("vkey with a key ID that is not 8 hex digits", () => {
    expect(() => parseVerifierKey(`${name}+f53f7bd+${keyB64}`)).toThrow(/8 hex digits/);
    expect(() => parseVerifierKey(`${name}+f53f7bdg+${keyB64}`)).toThrow(MalformedKeyError);
  });

  it("vkey with too few fields", () => {
    expect(() => parseVerifierKey(name)).toThrow(/3 fields/);
    expect(() => parseVerifierKey(`${name}+${idHex}`)).toThrow(/3 fields/);
  });

  it("vkey with a '+' in the name (read as a bad key ID)", () => {
    expect(() => parseVerifierKey(`a+${vector.vkey}`)).toThrow(/8 hex digits/);
  });

  it("vkey with a space in the name", () => {
    expect(() => parseVerifierKey(`edgelog example+${idHex}+${keyB64}`)).toThrow(/U\+0020/);
  });
});

describe("key names", () => {
  it("accepts URL-like names and refuses empty, spaces, '+' and control characters", () => {
    expect(() => checkKeyName("example.com/log42")).not.toThrow();
    expect(() => checkKeyName("")).toThrow(MalformedKeyError);
    expect(() => checkKeyName("a b")).toThrow(/U\+0020/);
    expect(() => checkKeyName("a\u00a0b")).toThrow(/U\+00A0/);
    expect(() => checkKeyName("a\u3000b")).toThrow(/U\+3000/);
    expect(() => checkKeyName("a+b")).toThrow(/U\+002B/);
    expect(() => checkKeyName("a\nb")).toThrow(MalformedKeyError);
  });

  it("signerFromSeed refuses a bad name or a seed that is not 32 bytes", async () => {
    await expect(signerFromSeed("a+b", seed)).rejects.toThrow(MalformedKeyError);
    await expect(signerFromSeed(vector.key_name, seed.subarray(0, 31))).rejects.toThrow(/31 bytes/);
  });
});

describe("the EDGELOG_SIGNING_KEY secret", () => {
  it("is base64 of the seed and round-trips, ignoring surrounding whitespace", () => {
    const secret = formatSigningKey(seed);
    expect(secret).toBe("AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=");
    expect(toHex(parseSigningKey(`  ${secret}\n`))).toBe(vector.ed25519_seed_hex);
  });

  it("refuses other lengths and non-base64 without echoing the secret", () => {
    expect(() => parseSigningKey(toBase64(new Uint8Array(31)))).toThrow(/31 bytes/);
    const secret = "not-a-key!";
    try {
      parseSigningKey(secret);
      expect.unreachable("parseSigningKey accepted a malformed secret");
    } catch (e) {
      expect(e).toBeInstanceOf(MalformedKeyError);
      expect((e as Error).message).not.toContain(secret);
    }
  });

  it("generateSeed gives 32 fresh random bytes that make a working signer", async () => {
    const a = generateSeed();
    const b = generateSeed();
    expect(a.length).toBe(32);
    expect(toHex(a)).not.toBe(toHex(b));
    const signer = await signerFromSeed("example.com/fresh", a);
    const verifier = await verifierFromVkey(formatVerifierKey(signer.name, signer.publicKey));
    const message = utf8("x\n");
    expect(await verifier.verify(message, await signer.sign(message))).toBe(true);
  });
});

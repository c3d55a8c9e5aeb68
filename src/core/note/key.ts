/**
 * Ed25519 keys for C2SP signed notes: key names, key IDs, verifier keys (vkeys), and signers and
 * verifiers backed by WebCrypto (`crypto.subtle`, algorithm "Ed25519"), which workerd, Node 22
 * and current browsers all provide.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesEqual, concatBytes, fromBase64, fromHex, toBase64, toHex, utf8 } from "../bytes";
import { KeyIdMismatchError, MalformedKeyError } from "./errors";

/** Signature type identifier byte of Ed25519 (C2SP signed-note, "Signature types"). */
export const ED25519_SIGNATURE_TYPE = 0x01;
/** RFC 8032 §5.1.5: public keys are 32 bytes; §5.1.6: signatures are 64 bytes. */
export const ED25519_PUBLIC_KEY_LENGTH = 32;
export const ED25519_SIGNATURE_LENGTH = 64;
/** RFC 8032 §5.1.5: the private key is a 32-byte seed. */
export const ED25519_SEED_LENGTH = 32;
export const KEY_ID_LENGTH = 4;

/**
 * RFC 8410 §7 PKCS#8 OneAsymmetricKey for Ed25519 is a fixed 16-byte DER prefix followed by the
 * 32-byte seed; WebCrypto imports private Ed25519 keys only in this (or JWK) form.
 */
const PKCS8_ED25519_PREFIX = fromHex("302e020100300506032b657004220420");

const ED25519 = { name: "Ed25519" } as const;

/** Signs note text with one key. */
export interface NoteSigner {
  readonly name: string;
  readonly keyId: Uint8Array;
  readonly publicKey: Uint8Array;
  /** Ed25519 signature (64 bytes) of `message`. */
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** Checks note signatures made by one key. */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: Uint8Array;
  /** True when `signature` is a valid signature of `message` by this key; never throws on a bad signature. */
  verify(message: Uint8Array, signature: Uint8Array): Promise<boolean>;
}

/** The parts of a verifier key `name+keyidhex+base64(0x01||pubkey)`. */
export interface VerifierKey {
  readonly name: string;
  readonly keyId: Uint8Array;
  readonly publicKey: Uint8Array;
}

/**
 * C2SP signed-note: key names MUST be non-empty and MUST NOT contain Unicode spaces or '+'.
 * Control characters are refused too, since a note may not contain them.
 *
 * @throws MalformedKeyError naming the offending character.
 */
export function checkKeyName(name: string): void {
  if (name.length === 0) throw new MalformedKeyError("bad key name", "a non-empty name", "an empty name");
  const bad = /[\s+\u0000-\u001f]/u.exec(name);
  if (bad) {
    const code = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
    throw new MalformedKeyError(
      `bad key name ${JSON.stringify(name)}`,
      "no spaces, '+' or control characters",
      `U+${code} at offset ${bad.index}`,
    );
  }
}

/**
 * Key ID = SHA-256(key name || 0x0A || 0x01 || 32-byte public key)[:4]
 * (C2SP signed-note, "Ed25519 signatures").
 *
 * Preconditions: `name` passes `checkKeyName`, `publicKey` is 32 bytes.
 */
export function keyId(name: string, publicKey: Uint8Array): Uint8Array {
  const input = concatBytes(utf8(name), Uint8Array.of(0x0a, ED25519_SIGNATURE_TYPE), publicKey);
  return sha256(input).subarray(0, KEY_ID_LENGTH);
}

/** The vkey `name+keyidhex+base64(0x01||pubkey)` that verifiers are configured with. */
export function formatVerifierKey(name: string, publicKey: Uint8Array): string {
  checkKeyName(name);
  checkPublicKeyLength(publicKey.length);
  const keyData = concatBytes(Uint8Array.of(ED25519_SIGNATURE_TYPE), publicKey);
  return `${name}+${toHex(keyId(name, publicKey))}+${toBase64(keyData)}`;
}

/**
 * Parses and checks a vkey: name rules, 8 hex digit key ID, base64 key data holding the Ed25519
 * type byte and 32 key bytes, and a key ID that matches the name and key.
 *
 * @throws MalformedKeyError for a structural problem; KeyIdMismatchError when the stated key ID
 *   is not the computed one.
 */
export function parseVerifierKey(vkey: string): VerifierKey {
  // Names and IDs cannot contain '+', but base64 key data can: split at the first two only.
  const first = vkey.indexOf("+");
  const second = first < 0 ? -1 : vkey.indexOf("+", first + 1);
  if (second < 0) {
    throw new MalformedKeyError(
      "bad verifier key",
      "3 fields name+keyid+keydata",
      `${first < 0 ? 1 : 2} fields`,
    );
  }
  const name = vkey.slice(0, first);
  const idHex = vkey.slice(first + 1, second);
  const keyB64 = vkey.slice(second + 1);
  checkKeyName(name);
  if (!/^[0-9a-fA-F]{8}$/.test(idHex)) {
    throw new MalformedKeyError(
      `bad key ID in verifier key for ${name}`,
      "8 hex digits",
      JSON.stringify(idHex),
    );
  }
  let keyData: Uint8Array;
  try {
    keyData = fromBase64(keyB64);
  } catch {
    throw new MalformedKeyError(
      `bad key data in verifier key for ${name}`,
      "standard base64",
      JSON.stringify(keyB64),
    );
  }
  if (keyData.length === 0 || keyData[0] !== ED25519_SIGNATURE_TYPE) {
    throw new MalformedKeyError(
      `unknown key type in verifier key for ${name}`,
      "type byte 0x01 (Ed25519)",
      keyData.length === 0 ? "no key data" : `0x${toHex(keyData.subarray(0, 1))}`,
    );
  }
  const publicKey = keyData.slice(1);
  checkPublicKeyLength(publicKey.length, name);
  const stated = fromHex(idHex);
  const computed = keyId(name, publicKey);
  if (!bytesEqual(stated, computed)) {
    throw new KeyIdMismatchError(
      `key ID in verifier key for ${name} does not match its key`,
      toHex(computed),
      toHex(stated),
    );
  }
  return { name, keyId: computed, publicKey };
}

/**
 * A signer for `name` from a 32-byte Ed25519 seed (RFC 8032 §5.1.5 private key). The public key
 * is derived by WebCrypto; the signing CryptoKey is not extractable.
 *
 * @throws MalformedKeyError for a bad name or a seed that is not 32 bytes.
 */
export async function signerFromSeed(name: string, seed: Uint8Array): Promise<NoteSigner> {
  checkKeyName(name);
  if (seed.length !== ED25519_SEED_LENGTH) {
    throw new MalformedKeyError(
      `bad Ed25519 seed for ${name}`,
      `${ED25519_SEED_LENGTH} bytes`,
      `${seed.length} bytes`,
    );
  }
  const pkcs8 = concatBytes(PKCS8_ED25519_PREFIX, seed);
  const publicKey = await derivePublicKey(pkcs8);
  const privateKey = await crypto.subtle.importKey("pkcs8", pkcs8, ED25519, false, ["sign"]);
  pkcs8.fill(0);
  const id = keyId(name, publicKey);
  return {
    name,
    keyId: id,
    publicKey,
    async sign(message: Uint8Array): Promise<Uint8Array> {
      return new Uint8Array(await crypto.subtle.sign(ED25519, privateKey, message));
    },
  };
}

/** A verifier for `name` and a 32-byte Ed25519 public key. */
export async function verifierFromPublicKey(name: string, publicKey: Uint8Array): Promise<NoteVerifier> {
  checkKeyName(name);
  checkPublicKeyLength(publicKey.length, name);
  const key = await crypto.subtle.importKey("raw", publicKey, ED25519, false, ["verify"]);
  return {
    name,
    keyId: keyId(name, publicKey),
    async verify(message: Uint8Array, signature: Uint8Array): Promise<boolean> {
      if (signature.length !== ED25519_SIGNATURE_LENGTH) return false;
      return crypto.subtle.verify(ED25519, key, signature, message);
    },
  };
}

/** A verifier from a vkey; throws as `parseVerifierKey` does. */
export async function verifierFromVkey(vkey: string): Promise<NoteVerifier> {
  const parsed = parseVerifierKey(vkey);
  return verifierFromPublicKey(parsed.name, parsed.publicKey);
}

/** A fresh 32-byte Ed25519 seed from the platform's CSPRNG. */
export function generateSeed(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(ED25519_SEED_LENGTH));
}

/**
 * Format of the `EDGELOG_SIGNING_KEY` secret: the standard base64 (RFC 4648 §4, padded) of the
 * 32-byte Ed25519 seed, 44 characters. The key name is not part of it: it is the log's origin.
 */
export function formatSigningKey(seed: Uint8Array): string {
  if (seed.length !== ED25519_SEED_LENGTH) {
    throw new MalformedKeyError("bad Ed25519 seed", `${ED25519_SEED_LENGTH} bytes`, `${seed.length} bytes`);
  }
  return toBase64(seed);
}

/**
 * Parses the `EDGELOG_SIGNING_KEY` secret (see `formatSigningKey`); surrounding whitespace, as
 * left by pasting into a secrets file, is ignored. Error messages never echo the secret.
 */
export function parseSigningKey(secret: string): Uint8Array {
  const expected = `standard base64 of a ${ED25519_SEED_LENGTH}-byte Ed25519 seed`;
  let seed: Uint8Array;
  try {
    seed = fromBase64(secret.trim());
  } catch {
    throw new MalformedKeyError("bad signing key", expected, "text that is not standard base64");
  }
  if (seed.length !== ED25519_SEED_LENGTH) {
    throw new MalformedKeyError("bad signing key", expected, `${seed.length} bytes`);
  }
  return seed;
}

function checkPublicKeyLength(length: number, name?: string): void {
  if (length !== ED25519_PUBLIC_KEY_LENGTH) {
    throw new MalformedKeyError(
      name === undefined ? "bad Ed25519 public key" : `bad Ed25519 public key for ${name}`,
      `${ED25519_PUBLIC_KEY_LENGTH} bytes`,
      `${length} bytes`,
    );
  }
}

/** WebCrypto has no "public key from private key" call; a JWK export of the private key carries `x`. */
async function derivePublicKey(pkcs8: Uint8Array): Promise<Uint8Array> {
  const extractable = await crypto.subtle.importKey("pkcs8", pkcs8, ED25519, true, ["sign"]);
  const jwk = await crypto.subtle.exportKey("jwk", extractable);
  const x = (jwk as { x?: unknown }).x;
  if (typeof x !== "string") throw new Error("WebCrypto JWK export of an Ed25519 key lacks 'x'");
  return fromBase64Url(x);
}

function fromBase64Url(s: string): Uint8Array {
  const std = s.replace(/-/g, "+").replace(/_/g, "/");
  return fromBase64(std + "=".repeat((4 - (std.length % 4)) % 4));
}

/**
 * C2SP tlog-cosignature, Ed25519 `cosignature/v1` (c2sp.org/tlog-cosignature): a witness's
 * timestamped note signature on a checkpoint.
 *
 *   key ID    = SHA-256(<name> || "\n" || 0x04 || 32-byte public key)[:4]
 *   message   = "cosignature/v1\n" || "time <timestamp>\n" || <checkpoint note text>
 *   signature = u64 big-endian timestamp || Ed25519(message)        (timestamped_signature)
 *   line      = "— <name> " || base64(key ID || signature) || "\n"
 *
 * Cosigner vkeys use signature type 0x04: `name+keyidhex+base64(0x04 || public key)`.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesEqual, concatBytes, fromBase64, fromHex, toBase64, toHex, utf8 } from "../bytes";
import { MalformedKeyError, MalformedNoteError, KeyIdMismatchError, SignatureMismatchError } from "./errors";
import {
  ED25519_PUBLIC_KEY_LENGTH,
  ED25519_SIGNATURE_LENGTH,
  KEY_ID_LENGTH,
  checkKeyName,
  signerFromSeed,
  verifierFromPublicKey,
} from "./key";

/** Signature type byte of Ed25519 cosignature/v1 keys. */
export const COSIGNATURE_V1_TYPE = 0x04;
/** "It MUST NOT exceed 2^63 - 1"; JavaScript numbers stay exact up to 2^53 − 1, which is far enough. */
export const MAX_COSIGNATURE_TIMESTAMP = Number.MAX_SAFE_INTEGER;
const TIMESTAMPED_SIGNATURE_LENGTH = 8 + ED25519_SIGNATURE_LENGTH;
const SIGNATURE_PREFIX = "\u2014 ";

/** A cosigner's identity as verifiers are configured with it. */
export interface CosignerKey {
  readonly name: string;
  readonly keyId: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** A witness's signing key. */
export interface Cosigner extends CosignerKey {
  /** The cosignature line (ending in a newline) on `noteText` at POSIX time `timestamp`. */
  cosign(noteText: string, timestamp: number): Promise<string>;
}

/** A cosignature that verified. */
export interface VerifiedCosignature {
  readonly name: string;
  readonly keyId: Uint8Array;
  /** POSIX seconds the cosigner stated. */
  readonly timestamp: number;
  /** The signature line as it appeared, without its newline. */
  readonly line: string;
}

/** SHA-256(name || 0x0A || 0x04 || public key)[:4]. Precondition: a valid name, a 32-byte key. */
export function cosignerKeyId(name: string, publicKey: Uint8Array): Uint8Array {
  return sha256(concatBytes(utf8(name), Uint8Array.of(0x0a, COSIGNATURE_V1_TYPE), publicKey)).subarray(
    0,
    KEY_ID_LENGTH,
  );
}

/** The cosigner vkey `name+keyid+base64(0x04||pubkey)`. */
export function formatCosignerVkey(name: string, publicKey: Uint8Array): string {
  checkKeyName(name);
  if (publicKey.length !== ED25519_PUBLIC_KEY_LENGTH) {
    throw new MalformedKeyError(
      "bad Ed25519 public key",
      `${ED25519_PUBLIC_KEY_LENGTH} bytes`,
      `${publicKey.length} bytes`,
    );
  }
  return `${name}+${toHex(cosignerKeyId(name, publicKey))}+${toBase64(concatBytes(Uint8Array.of(COSIGNATURE_V1_TYPE), publicKey))}`;
}

/**
 * Parses a cosigner vkey (type 0x04) and checks its key ID.
 *
 * @throws MalformedKeyError for a bad form or another key type; KeyIdMismatchError when the
 *   stated key ID is not the one the name and key hash to.
 */
export function parseCosignerVkey(vkey: string): CosignerKey {
  const first = vkey.indexOf("+");
  const second = first < 0 ? -1 : vkey.indexOf("+", first + 1);
  if (second < 0)
    throw new MalformedKeyError(
      "bad cosigner key",
      "3 fields name+keyid+keydata",
      `${first < 0 ? 1 : 2} fields`,
    );
  const name = vkey.slice(0, first);
  const idHex = vkey.slice(first + 1, second);
  checkKeyName(name);
  if (!/^[0-9a-fA-F]{8}$/.test(idHex))
    throw new MalformedKeyError(
      `bad key ID in cosigner key for ${name}`,
      "8 hex digits",
      JSON.stringify(idHex),
    );
  let data: Uint8Array;
  try {
    data = fromBase64(vkey.slice(second + 1));
  } catch {
    throw new MalformedKeyError(
      `bad key data in cosigner key for ${name}`,
      "standard base64",
      JSON.stringify(vkey.slice(second + 1)),
    );
  }
  if (data[0] !== COSIGNATURE_V1_TYPE) {
    throw new MalformedKeyError(
      `cosigner key for ${name} is not an Ed25519 cosignature/v1 key`,
      "type byte 0x04",
      data.length === 0 ? "no key data" : `0x${toHex(data.subarray(0, 1))}`,
    );
  }
  const publicKey = data.slice(1);
  if (publicKey.length !== ED25519_PUBLIC_KEY_LENGTH) {
    throw new MalformedKeyError(
      `bad Ed25519 public key for ${name}`,
      `${ED25519_PUBLIC_KEY_LENGTH} bytes`,
      `${publicKey.length} bytes`,
    );
  }
  const keyId = cosignerKeyId(name, publicKey);
  if (!bytesEqual(keyId, fromHex(idHex))) {
    throw new KeyIdMismatchError(
      `key ID in cosigner key for ${name} does not match its key`,
      toHex(keyId),
      idHex.toLowerCase(),
    );
  }
  return { name, keyId, publicKey };
}

/** The signed message: the two header lines, then the note text (with its final newline). */
export function cosignedMessage(noteText: string, timestamp: number): Uint8Array {
  checkTimestamp(timestamp);
  return utf8(`cosignature/v1\ntime ${timestamp}\n${noteText}`);
}

/** A cosigner for `name` from a 32-byte Ed25519 seed. */
export async function cosignerFromSeed(name: string, seed: Uint8Array): Promise<Cosigner> {
  const signer = await signerFromSeed(name, seed);
  const keyId = cosignerKeyId(name, signer.publicKey);
  return {
    name,
    keyId,
    publicKey: signer.publicKey,
    async cosign(noteText: string, timestamp: number): Promise<string> {
      if (timestamp === 0)
        throw new MalformedNoteError("cosignature timestamp", "a non-zero POSIX time", "0");
      const signature = await signer.sign(cosignedMessage(noteText, timestamp));
      return `${SIGNATURE_PREFIX}${name} ${toBase64(concatBytes(keyId, u64(timestamp), signature))}\n`;
    },
  };
}

/**
 * The valid cosignatures on `note` (a signed note: text, blank line, signature lines) from
 * `cosigners`, one per cosigner at most. Lines from other keys are ignored, as the spec asks.
 *
 * @throws MalformedNoteError when the note has no signature block; SignatureMismatchError when
 *   a line names a configured cosigner (name and key ID) but does not verify — the note is then
 *   malformed per signed-note, not merely lacking a cosignature.
 */
export async function verifyCosignatures(
  note: string,
  cosigners: readonly CosignerKey[],
): Promise<VerifiedCosignature[]> {
  const split = note.lastIndexOf("\n\n");
  if (split < 0 || !note.endsWith("\n"))
    throw new MalformedNoteError("no signature block", "text, a blank line, signature lines", "none");
  const text = note.slice(0, split + 1);
  const out: VerifiedCosignature[] = [];
  for (const line of note.slice(split + 2, -1).split("\n")) {
    if (!line.startsWith(SIGNATURE_PREFIX)) continue;
    const [name, b64] = line.slice(SIGNATURE_PREFIX.length).split(" ");
    const cosigner = cosigners.find((c) => c.name === name);
    if (
      !cosigner ||
      b64 === undefined ||
      out.some((v) => v.name === cosigner.name && bytesEqual(v.keyId, cosigner.keyId))
    )
      continue;
    let bytes: Uint8Array;
    try {
      bytes = fromBase64(b64);
    } catch {
      continue;
    }
    if (bytes.length < KEY_ID_LENGTH || !bytesEqual(bytes.subarray(0, KEY_ID_LENGTH), cosigner.keyId))
      continue;
    const body = bytes.subarray(KEY_ID_LENGTH);
    const where = `cosignature by ${cosigner.name}+${toHex(cosigner.keyId)}`;
    if (body.length !== TIMESTAMPED_SIGNATURE_LENGTH) {
      throw new SignatureMismatchError(
        `${where} has the wrong length`,
        `${TIMESTAMPED_SIGNATURE_LENGTH} bytes`,
        `${body.length} bytes`,
      );
    }
    const timestamp = readU64(body.subarray(0, 8));
    const verifier = await verifierFromPublicKey(cosigner.name, cosigner.publicKey);
    const ok =
      timestamp !== null && (await verifier.verify(cosignedMessage(text, timestamp), body.subarray(8)));
    if (!ok)
      throw new SignatureMismatchError(
        `${where} does not verify`,
        "a valid cosignature/v1 signature",
        "a signature that fails verification",
      );
    out.push({ name: cosigner.name, keyId: cosigner.keyId, timestamp, line });
  }
  return out;
}

function checkTimestamp(timestamp: number): void {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new MalformedNoteError(
      "bad cosignature timestamp",
      `an integer from 0 to ${MAX_COSIGNATURE_TIMESTAMP}`,
      String(timestamp),
    );
  }
}

function u64(n: number): Uint8Array {
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  view.setUint32(0, Math.floor(n / 2 ** 32));
  view.setUint32(4, n % 2 ** 32);
  return out;
}

/** The timestamp, or null when it exceeds the safe-integer range (then it cannot be verified here). */
function readU64(bytes: Uint8Array): number | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const n = view.getUint32(0) * 2 ** 32 + view.getUint32(4);
  return Number.isSafeInteger(n) ? n : null;
}

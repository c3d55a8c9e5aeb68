/**
 * SHA-256 of event bodies through the platform's native `crypto.subtle.digest`, which is markedly
 * faster than a JavaScript hash for multi-kilobyte inputs. (Tree nodes are 65 bytes and are
 * hashed elsewhere, where per-call overhead matters more.)
 */
import { canonicalJson } from "./canonical";
import { toHex, utf8 } from "./bytes";

/** SHA-256 (FIPS 180-4) of `bytes`. */
export async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

/** Lowercase hex SHA-256 of `bytes`, the form every hash takes in edgelog's JSON. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return toHex(await sha256(bytes));
}

export interface EventDigest {
  /** RFC 8785 canonical JSON of the event. */
  readonly canonical: string;
  /** Lowercase hex SHA-256 of the UTF-8 bytes of `canonical`. */
  readonly hex: string;
}

/**
 * Digest of an event as accepted: SHA-256 over the UTF-8 bytes of its RFC 8785 canonical form,
 * so that any re-serialization of the same JSON data yields the same digest.
 *
 * @throws CanonicalJsonError when the event has no canonical form (see `canonicalJson`).
 */
export async function eventDigest(value: unknown): Promise<EventDigest> {
  const canonical = canonicalJson(value);
  return { canonical, hex: await sha256Hex(utf8(canonical)) };
}

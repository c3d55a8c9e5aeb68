import { constantTimeEqual, fromHex, toHex, utf8 } from "../core/bytes";
import { API_KEY_PATTERN } from "../core/protocol";

/*
 * Tenant API keys look like `elk_<tenant>_<keyid>_<secret>` (API_KEY_PATTERN). The tenant names
 * the TenantKeys object holding the key's record (one object per tenant, so no single object
 * sees every lookup); the key id (12 hex) finds the record without scanning; the secret (32
 * random bytes, base64url) is what the stored hash protects. Keys are random, so one SHA-256 is
 * enough: a slow password hash buys nothing against 256 bits.
 */

/** The parts of a well-formed key that locate its record. */
export interface KeyName {
  tenant: string;
  id: string;
}

export interface NewKey {
  id: string;
  key: string;
}

/** A fresh key id: 12 hex digits (48 random bits). */
export function generateKeyId(): string {
  return toHex(crypto.getRandomValues(new Uint8Array(6)));
}

/** A fresh key of `tenant` with the id `id` (from generateKeyId). */
export function generateKey(tenant: string, id: string): NewKey {
  const secret = base64url(crypto.getRandomValues(new Uint8Array(32)));
  return { id, key: `elk_${tenant}_${id}_${secret}` };
}

/** The tenant and key id of a well-formed key, or null. */
export function parseKey(key: string): KeyName | null {
  const m = API_KEY_PATTERN.exec(key);
  return m ? { tenant: m[1]!, id: m[2]! } : null;
}

export async function hashKey(key: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(key))));
}

export async function keyMatches(key: string, storedHashHex: string): Promise<boolean> {
  return constantTimeEqual(fromHex(await hashKey(key)), fromHex(storedHashHex));
}

/** Compares two secrets without leaking, through timing, how long a common prefix is. */
export async function secretEquals(a: string, b: string): Promise<boolean> {
  const [ha, hb] = await Promise.all([
    crypto.subtle.digest("SHA-256", utf8(a)),
    crypto.subtle.digest("SHA-256", utf8(b)),
  ]);
  return constantTimeEqual(new Uint8Array(ha), new Uint8Array(hb));
}

function base64url(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

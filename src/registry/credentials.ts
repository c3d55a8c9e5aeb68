import { constantTimeEqual, fromHex, toHex, utf8 } from "../core/bytes";

/** The scopes a tenant key can carry (DESIGN: HTTP API). */
export const SCOPES = ["ingest", "read", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

export function isScope(value: unknown): value is Scope {
  return typeof value === "string" && (SCOPES as readonly string[]).includes(value);
}

/**
 * Tenant API keys look like `elk_<keyid>_<secret>`: the key id (12 hex) finds the stored record
 * without scanning, the secret (32 random bytes, base64url) is what the stored hash protects.
 * Keys are random, so one SHA-256 is enough: a slow password hash buys nothing against 256 bits.
 */
const KEY_PATTERN = /^elk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface NewKey {
  id: string;
  key: string;
}

export function generateKey(): NewKey {
  const id = toHex(crypto.getRandomValues(new Uint8Array(6)));
  const secret = base64url(crypto.getRandomValues(new Uint8Array(32)));
  return { id, key: `elk_${id}_${secret}` };
}

/** Returns the key id of a well-formed key, or null. */
export function keyIdOf(key: string): string | null {
  const m = KEY_PATTERN.exec(key);
  return m ? m[1]! : null;
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

import { LEAF_HASH_PREFIX } from "./hash";

const encoder = new TextEncoder();

/**
 * RFC 9162 §2.1.1 leaf hashes, SHA-256(0x00 || data), of many UTF-8 texts at once with the
 * runtime's native digest. For leaves of hundreds of bytes (envelopes) this is much faster than
 * a JavaScript SHA-256; for 65-byte interior nodes the per-call cost of the async API is not
 * worth it, so `hashChildren` stays synchronous. Every text is encoded into one buffer, each
 * behind its prefix byte, and hashed as a view of it: no per-leaf copies besides the digest's.
 */
export async function hashLeavesNative(texts: readonly string[]): Promise<Uint8Array[]> {
  let room = 0;
  // UTF-16 length × 3 bounds the UTF-8 length (a surrogate pair is 2 units, 4 bytes).
  for (const t of texts) room += 1 + t.length * 3;
  const buffer = new Uint8Array(room);
  const spans: Array<[number, number]> = [];
  let at = 0;
  for (const t of texts) {
    const start = at;
    buffer[at++] = LEAF_HASH_PREFIX;
    at += encoder.encodeInto(t, buffer.subarray(at)).written;
    spans.push([start, at]);
  }
  const digests = await Promise.all(
    spans.map(([start, end]) => crypto.subtle.digest("SHA-256", buffer.subarray(start, end))),
  );
  return digests.map((d) => new Uint8Array(d));
}

import { LEAF_HASH_PREFIX } from "./hash";

const encoder = new TextEncoder();

/**
 * RFC 9162 §2.1.1 leaf hashes, SHA-256(0x00 || data), of many UTF-8 texts at once with the
 * runtime's native digest. For leaves of hundreds of bytes (envelopes) this is much faster than
 * a JavaScript SHA-256; for 65-byte interior nodes the per-call cost of the async API is not
 * worth it, so `hashChildren` stays synchronous.
 */
export async function hashLeavesNative(texts: readonly string[]): Promise<Uint8Array[]> {
  return Promise.all(
    texts.map(async (text) => {
      const bytes = encoder.encode(text);
      const data = new Uint8Array(bytes.length + 1);
      data[0] = LEAF_HASH_PREFIX;
      data.set(bytes, 1);
      return new Uint8Array(await crypto.subtle.digest("SHA-256", data));
    }),
  );
}

/**
 * The hashing an audit does per event, at native speed. The audit recomputes two hashes for
 * every event (its envelope leaf and its body digest), so these use node:crypto, and skip
 * re-serializing JSON whose object keys are already in canonical order.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../../core/canonical";
import { LEAF_HASH_PREFIX } from "../../core/merkle";

/**
 * RFC 8785 form of data from `JSON.parse`. JCS serializes strings, numbers and literals exactly
 * as ECMAScript's JSON.stringify does (RFC 8785 §3.2.2) and differs only in sorting object keys
 * by UTF-16 code units (§3.2.3); JSON.stringify writes keys in `Object.keys` order. So when
 * every object's keys already come in code-unit order, JSON.stringify *is* the canonical form;
 * otherwise (including V8 listing integer-like keys first) the core's serializer is used.
 */
export function canonicalText(value: unknown): string {
  return keysInCanonicalOrder(value) ? JSON.stringify(value) : canonicalJson(value);
}

function keysInCanonicalOrder(v: unknown): boolean {
  if (v === null || typeof v !== "object") return true;
  if (Array.isArray(v)) {
    for (const item of v) if (!keysInCanonicalOrder(item)) return false;
    return true;
  }
  const record = v as Record<string, unknown>;
  let previous: string | null = null;
  for (const key in record) {
    if (previous !== null && !(previous < key)) return false;
    if (!keysInCanonicalOrder(record[key])) return false;
    previous = key;
  }
  return true;
}

const LEAF_PREFIX = Uint8Array.of(LEAF_HASH_PREFIX);

/** RFC 9162 §2.1.1 leaf hash SHA-256(0x00 || UTF-8 of `text`), as core `hashLeaf` computes it. */
export function leafHashOfText(text: string): Uint8Array {
  return createHash("sha256").update(LEAF_PREFIX).update(text, "utf8").digest();
}

/** Lowercase hex SHA-256 of the UTF-8 bytes of `text`. */
export function sha256HexOfText(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/**
 * DES 0.3.0 producer-side integrity: `temporal_metadata.hash_chain.current_hash` is SHA-256
 * over the RFC 8785 canonical event with `current_hash` excluded, and `previous_hash` repeats
 * the `current_hash` of the producer's previous event. edgelog checks both on ingest and
 * records the verdict; it does not refuse events for them (the producer's chain is the
 * producer's claim, edgelog's own Merkle log is what edgelog vouches for).
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { toHex, utf8 } from "./bytes";
import { canonicalJson } from "./canonical";

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Lowercase hex SHA-256 (FIPS 180-4) over the UTF-8 bytes of the RFC 8785 canonical form of
 * `event` with the member `temporal_metadata.hash_chain.current_hash` removed (excluded from
 * the input, as DES states; not replaced by an empty string or null). Every other member,
 * `previous_hash` and `algorithm` included, is covered.
 *
 * Precondition: `event` is JSON data; for a meaningful answer, a DES event. When it has no
 * `hash_chain` object, the event is hashed as it is.
 *
 * @throws CanonicalJsonError when `event` has no canonical form.
 */
export function desCurrentHash(event: unknown): string {
  return toHex(sha256(utf8(desHashInput(event))));
}

function withoutCurrentHash(event: unknown): unknown {
  if (!isObject(event)) return event;
  const temporal = event["temporal_metadata"];
  if (!isObject(temporal)) return event;
  const chain = temporal["hash_chain"];
  if (!isObject(chain)) return event;
  const { current_hash: _excluded, ...rest } = chain;
  return { ...event, temporal_metadata: { ...temporal, hash_chain: rest } };
}

/**
 * The input of DES's current_hash (RFC 8785 canonical event without `current_hash`) cut out of
 * the canonical text of the whole event, so the event is canonicalized once, not twice.
 *
 * Why a cut is exact: RFC 8785 (§3.2.3) writes an object as its members' texts in sorted order,
 * joined by commas, and a nested object exactly as it would be written alone; removing one
 * member therefore removes its text `"current_hash":<JCS of the value>` and one comma next to
 * it, and nothing else changes. The member text can only occur where it really is a member named
 * `current_hash` with that value: inside a JCS string every `"` is escaped, and a closing quote
 * is never followed by a letter. So when the text occurs exactly once it is the hash_chain's.
 *
 * Preconditions: `canonical` is `canonicalJson(event)` and `stated` is
 * `event.temporal_metadata.hash_chain.current_hash` (a string).
 * @returns the hash input, or null when the member text occurs more than once (another object
 * carries the same member and value) or not at all; the caller then builds the input from the
 * event itself (`desHashInput`).
 */
export function desHashInputFromCanonical(canonical: string, stated: string): string | null {
  const cut = currentHashCut(canonical, stated);
  return cut === null ? null : canonical.slice(0, cut.start) + canonical.slice(cut.end);
}

/**
 * Where `desHashInputFromCanonical` cuts: the UTF-16 range [start, end) of `canonical` that
 * holds the current_hash member and the comma removed with it; null when it declines.
 * Preconditions: as `desHashInputFromCanonical`.
 */
export function currentHashCut(canonical: string, stated: string): { start: number; end: number } | null {
  const member = `"current_hash":${canonicalJson(stated)}`;
  const at = canonical.indexOf(member);
  if (at < 0 || canonical.indexOf(member, at + 1) >= 0) return null;
  const end = at + member.length;
  // Not the object's first member: drop the comma before it. Its first member: the comma
  // after it, if any member follows.
  if (canonical.charCodeAt(at - 1) === 44) return { start: at - 1, end };
  if (canonical.charCodeAt(end) === 44) return { start: at, end: end + 1 };
  return { start: at, end };
}

/**
 * The input of DES's current_hash: the RFC 8785 canonical text of `event` without
 * `temporal_metadata.hash_chain.current_hash` (the event itself when it has no hash_chain object).
 *
 * @throws CanonicalJsonError when `event` has no canonical form.
 */
export function desHashInput(event: unknown): string {
  return canonicalJson(withoutCurrentHash(event));
}

/**
 * - "ok": `current_hash` matches the event, and `previous_hash` links to the producer's last
 *   known event (or none is known);
 * - "mismatch": `current_hash` is not the hash of the event;
 * - "broken-link": the hash matches but `previous_hash` is not the last known `current_hash`;
 * - "unverified": the algorithm is not SHA-256, so nothing could be checked.
 */
export type ChainVerdict = "ok" | "mismatch" | "broken-link" | "unverified";

/**
 * Whether `algorithm` names SHA-256. DES gives only an example ("SHA-256") and no registry,
 * so the usual spellings are accepted, case-insensitively: "SHA-256" and "SHA256".
 */
export function isSha256Algorithm(algorithm: unknown): boolean {
  return typeof algorithm === "string" && /^sha-?256$/i.test(algorithm);
}

/**
 * A hash as producers write it, reduced to lowercase hex: an optional "sha256:" prefix (any
 * case) is dropped and the rest lowercased. Not checked to be hex: two spellings of one
 * digest compare equal, anything else compares unequal.
 */
export function normalizeHashText(text: string): string {
  const lower = text.toLowerCase();
  return lower.startsWith("sha256:") ? lower.slice("sha256:".length) : lower;
}

/**
 * Checks the producer's chain for one event. `lastCurrentHash` is the `current_hash` of the
 * producer's previous event as edgelog last saw it; pass null or undefined when none is known
 * (then `previous_hash` is not checked). A known previous event and a `previous_hash` of null
 * (a producer starting a new chain) counts as "broken-link". The hash is checked before the
 * link, so "mismatch" wins when both fail.
 *
 * Precondition: `event` is a valid DES 0.3.0 event; without a `hash_chain` object the answer
 * is "unverified".
 */
export function checkChain(event: unknown, lastCurrentHash: string | null | undefined): ChainVerdict {
  const temporal = isObject(event) ? event["temporal_metadata"] : undefined;
  const chain = isObject(temporal) ? temporal["hash_chain"] : undefined;
  if (!isObject(chain) || !isSha256Algorithm(chain["algorithm"])) return "unverified";
  const stated = chain["current_hash"];
  if (typeof stated !== "string" || normalizeHashText(stated) !== desCurrentHash(event)) return "mismatch";
  if (typeof lastCurrentHash === "string") {
    const previous = chain["previous_hash"];
    if (typeof previous !== "string" || normalizeHashText(previous) !== normalizeHashText(lastCurrentHash)) {
      return "broken-link";
    }
  }
  return "ok";
}

/** How a sequence number follows the producer's last one. */
export interface SequenceStep {
  /**
   * first: no earlier number known; next: last + 1; gap: greater than last + 1 (`missing`
   * numbers were skipped); repeat: equal to last; regress: less than last.
   */
  readonly kind: "first" | "next" | "gap" | "repeat" | "regress";
  /** For "gap": how many numbers lie strictly between the two. */
  readonly missing?: number;
}

/**
 * Classifies `seq` (`temporal_metadata.sequence_number`, "monotonically increasing within the
 * generating system") against the producer's last seen number.
 *
 * Precondition: both are integers ≥ 0 (DES's schema); exact up to 2^53.
 */
export function sequenceGap(lastSeq: number | undefined, seq: number): SequenceStep {
  if (lastSeq === undefined) return { kind: "first" };
  if (seq === lastSeq + 1) return { kind: "next" };
  if (seq > lastSeq) return { kind: "gap", missing: seq - lastSeq - 1 };
  if (seq === lastSeq) return { kind: "repeat" };
  return { kind: "regress" };
}

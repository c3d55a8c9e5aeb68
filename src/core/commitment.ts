/**
 * The keyed commitment of a masked event (README, "Masking and what each party can verify";
 * docs/ARCHITECTURE.md, "Integrity model").
 *
 * For a tenant whose policy masks anything, an event's id does not hash the event as received
 * (an unsalted SHA-256 of a body with one low-entropy value masked is an oracle for guesses of
 * that value) but its **committed form**: the event with every masked value — policy masks of
 * either action, and the DES hash-chain strings, which are unkeyed hashes over unmasked content
 * — replaced by `maskHash(value, tenantMaskKey)`. Without the tenant's mask key nobody can test
 * a guess; with the stored body and the envelope anybody can check that the body is exactly
 * what the leaf commits to; with the original event and the mask key the producer or tenant can
 * show that the original is the event logged.
 *
 * Pure and synchronous except for SHA-256 (WebCrypto), so it runs in workerd, Node and browsers.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { canonicalJson } from "./canonical";
import { toHex, utf8 } from "./bytes";
import { sha256Hex } from "./digest";
import { VerificationError } from "./errors";
import {
  applyMasks,
  compileMask,
  MASK_HASH_PREFIX,
  maskHash,
  replaceValues,
  type CompiledMask,
} from "./masking";
import { parsePointer, resolvePointer, type ParsedPointer } from "./policy/json-pointer";

/**
 * The DES hash-chain values keyed in every event of a tenant whose policy masks anything.
 * `current_hash` of a masked event is SHA-256 of its unmasked content, and `previous_hash` of
 * the next event (masked or not: its producer cannot know) repeats it, as does every later
 * `current_hash` through it; so the chain is keyed for all of the tenant's events, not only
 * for those a mask matched.
 */
export const CHAIN_POINTERS: readonly string[] = Object.freeze([
  "/temporal_metadata/hash_chain/current_hash",
  "/temporal_metadata/hash_chain/previous_hash",
]);

const CHAIN_MASKS: readonly CompiledMask[] = CHAIN_POINTERS.map((p) => compileMask(p, "hash"));

/** A stored body, a removal list or an original event that does not fit its envelope. */
export class CommitmentError extends VerificationError {}

export interface CommittedEvent {
  /** The committed form: every masked value replaced by its keyed commitment. */
  readonly committed: unknown;
  /** The committed form without the removed members (deleted from objects, null in arrays). */
  readonly stored: unknown;
  /** RFC 8785 text of `stored`, when it differs from the committed form (computed for the commitments). */
  readonly storedText?: string;
  /** Pointers whose values the committed form replaced, policy masks first, then the chain values. */
  readonly masked: string[];
  /** Each removed member (policy action "remove") → its commitment in the committed form. */
  readonly removed: Record<string, string>;
}

/**
 * The committed form of `event` under `masks` (a tenant policy's masks) and the tenant's mask
 * key `key`:
 *
 * - a "hash" mask that resolves replaces its value by `maskHash(value, key)` — what the stored
 *   body shows, so equal values still compare equal across events (as masking always did);
 * - each of CHAIN_POINTERS whose value is a string is replaced the same way (a null
 *   `previous_hash`, the start of a chain, stays null: it reveals nothing), so links still
 *   compare equal;
 * - a "remove" mask that resolves replaces its value by `maskHash([h, value], key)`, where h is
 *   the lowercase hex SHA-256 of the RFC 8785 form of the stored body (the committed form
 *   without the removed members). These commitments travel in the envelope, which public tiles
 *   publish: binding each to its event keeps equal removed values from showing as equal
 *   commitments across events, as removal promises.
 *
 * Precondition: `masks` is not empty (an event of a tenant without masks is committed as
 * received) and comes from a compiled policy, so no two masks overlap and none touches the
 * hash chain; `event` is JSON data.
 *
 * @throws CanonicalJsonError when `event` is not JSON data.
 */
export function commitEvent(event: unknown, masks: readonly CompiledMask[], key: Uint8Array): CommittedEvent {
  const chain = CHAIN_MASKS.filter((m) => typeof resolvePointer(event, m) === "string");
  const matching = masks.filter((m) => resolvePointer(event, m) !== undefined);
  const removing = matching.filter((m) => m.action === "remove");
  const keyed = [...matching.filter((m) => m.action === "hash"), ...chain];
  const { committed, stored, storedText, removed } = commitWith(event, keyed, removing, key);
  return {
    committed,
    stored,
    ...(storedText === undefined ? {} : { storedText }),
    removed,
    masked: [...matching.map((m) => m.pointer), ...chain.map((m) => m.pointer)],
  };
}

/**
 * The committed form with the values at `keyed` hashed and the members at `removing` committed
 * per event. Precondition: every pointer resolves in `event`, and none overlaps another.
 */
function commitWith(
  event: unknown,
  keyed: readonly ParsedPointer[],
  removing: readonly ParsedPointer[],
  key: Uint8Array,
): { committed: unknown; stored: unknown; storedText?: string; removed: Record<string, string> } {
  const hashed = applyMasks(
    event,
    keyed.map((p) => ({ ...p, action: "hash" as const })),
    key,
  ).body;
  const removed: Record<string, string> = {};
  if (removing.length === 0) return { committed: hashed, stored: hashed, removed };
  // The removal itself never hashes: the key is not used by "remove".
  const stored = applyMasks(
    hashed,
    removing.map((p) => ({ ...p, action: "remove" as const })),
    new Uint8Array(0),
  ).body;
  const storedText = canonicalJson(stored);
  const h = toHex(sha256(utf8(storedText)));
  for (const p of removing) removed[p.pointer] = maskHash([h, resolvePointer(event, p)], key);
  const committed = replaceValues(
    hashed,
    removing.map((p) => ({ at: p, value: removed[p.pointer] })),
  );
  return { committed, stored, storedText, removed };
}

type Container = Record<string, unknown> | unknown[];

function isContainer(value: unknown): value is Container {
  return typeof value === "object" && value !== null;
}

/**
 * Rebuilds the committed form from a stored body and its envelope's `removed` map (pointer →
 * commitment): each removed member is put back as its commitment. Each pointer's parent must
 * exist in `stored` and the member must be absent there (an object member) or null (an array
 * element, which removal nulls rather than deletes): a body holding anything at a removed
 * place holds content the leaf does not commit to, and is refused.
 *
 * @throws CommitmentError naming the pointer, with what was expected there and what was found.
 */
export function rebuildCommitted(stored: unknown, removed: Readonly<Record<string, unknown>>): unknown {
  const entries = Object.entries(removed);
  if (entries.length === 0) return stored;
  const copy = structuredClone(stored);
  for (const [pointer, commitment] of entries) {
    if (typeof commitment !== "string" || !commitment.startsWith(MASK_HASH_PREFIX)) {
      throw new CommitmentError(
        `removed ${JSON.stringify(pointer)} has no commitment`,
        `"${MASK_HASH_PREFIX}<hex>"`,
        JSON.stringify(commitment),
      );
    }
    let parsed: ParsedPointer;
    try {
      parsed = parsePointer(pointer);
    } catch {
      throw new CommitmentError("removed member is not a JSON pointer", "an RFC 6901 pointer", pointer);
    }
    if (parsed.tokens.length === 0)
      throw new CommitmentError("removed member is the whole event", "a pointer to a member", '""');
    const parent = resolvePointer(copy, { ...parsed, tokens: parsed.tokens.slice(0, -1) });
    const last = parsed.tokens.length - 1;
    if (!isContainer(parent)) {
      throw new CommitmentError(
        `the stored body has no parent for removed ${pointer}`,
        "an object or array",
        parent === undefined ? "nothing" : JSON.stringify(parent),
      );
    }
    if (Array.isArray(parent)) {
      const index = parsed.indexes[last]!;
      if (index < 0 || index >= parent.length || parent[index] !== null) {
        throw new CommitmentError(
          `the stored body holds a value where ${pointer} was removed`,
          "null",
          index < 0 || index >= parent.length ? "no such element" : JSON.stringify(parent[index]),
        );
      }
      parent[index] = commitment;
    } else {
      const name = parsed.tokens[last]!;
      if (Object.prototype.hasOwnProperty.call(parent, name)) {
        throw new CommitmentError(
          `the stored body holds a value where ${pointer} was removed`,
          "no member",
          JSON.stringify(parent[name]),
        );
      }
      // defineProperty, not assignment: a member named "__proto__" must become an own member.
      Object.defineProperty(parent, name, {
        value: commitment,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return copy;
}

/**
 * The committed form of `original` as its envelope says it was made, under the tenant's mask
 * key: the values at `masked` that are not `removed` keyed with `maskHash`, and each `removed`
 * member committed as `commitEvent` does. This is how the holder of the original event and the
 * mask key opens a commitment (compare its SHA-256 with the envelope's id).
 *
 * @throws CommitmentError when a listed pointer does not resolve in `original` (then it is not
 * the event that was logged).
 */
export function recommit(
  original: unknown,
  masked: readonly string[],
  removed: readonly string[],
  key: Uint8Array,
): unknown {
  const parsed = new Map<string, ParsedPointer>();
  for (const pointer of [...masked, ...removed]) {
    let p: ParsedPointer;
    try {
      p = parsePointer(pointer);
    } catch {
      throw new CommitmentError("a masked member is not a JSON pointer", "an RFC 6901 pointer", pointer);
    }
    if (p.tokens.length === 0 || resolvePointer(original, p) === undefined) {
      throw new CommitmentError(
        `the event has no member ${pointer}, which the envelope lists as masked`,
        "a value",
        "nothing",
      );
    }
    parsed.set(pointer, p);
  }
  const removing = new Set(removed);
  return commitWith(
    original,
    masked.filter((p) => !removing.has(p)).map((p) => parsed.get(p)!),
    [...removing].map((p) => parsed.get(p)!),
    key,
  ).committed;
}

/** Lowercase hex SHA-256 of the RFC 8785 canonical form of `value`: an event id. */
export async function idOf(value: unknown): Promise<string> {
  return sha256Hex(utf8(canonicalJson(value)));
}

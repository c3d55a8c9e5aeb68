/**
 * Masking of retained bodies, as a tenant's policy directs: a masked member is removed, or
 * replaced by a keyed hash of its value so that equal values still compare equal across
 * events without being readable. Sync and Web-API free (HMAC from @noble/hashes), so it runs
 * in workerd, Node and browsers alike.
 */
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { toHex, utf8 } from "./bytes";
import { canonicalJson } from "./canonical";
import { parsePointer, type ParsedPointer } from "./policy/json-pointer";

export type MaskAction = "remove" | "hash";

/** A mask with its pointer parsed once (see `compileMask`). */
export interface CompiledMask extends ParsedPointer {
  readonly action: MaskAction;
}

/** Prefix that marks a hashed value, naming the construction used. */
export const MASK_HASH_PREFIX = "hmac-sha256:";

/** A mask that cannot be compiled. */
export class MaskError extends Error {
  readonly expected: string;
  readonly found: string;
  constructor(expected: string, found: string) {
    super(`invalid mask: expected ${expected}, found ${found}`);
    this.name = "MaskError";
    this.expected = expected;
    this.found = found;
  }
}

/**
 * Parses a mask's pointer. The empty pointer (the event itself) is refused: a body cannot be
 * masked away as a whole.
 *
 * @throws JsonPointerError when `pointer` is not an RFC 6901 JSON Pointer.
 * @throws MaskError for the empty pointer or an unknown action.
 */
export function compileMask(pointer: string, action: MaskAction): CompiledMask {
  if (action !== "remove" && action !== "hash")
    throw new MaskError('"remove" or "hash"', JSON.stringify(action));
  const parsed = parsePointer(pointer);
  if (parsed.tokens.length === 0)
    throw new MaskError("a pointer to a member of the event", '"" (the whole event)');
  return { ...parsed, action };
}

/**
 * `"hmac-sha256:"` + lowercase hex HMAC-SHA256 (RFC 2104, FIPS 180-4) keyed with `salt` over
 * the UTF-8 bytes of the RFC 8785 canonical JSON of `value`. Canonical form makes the result
 * independent of member order and number spelling in the producer's JSON.
 *
 * @throws CanonicalJsonError when `value` is not JSON data.
 */
export function maskHash(value: unknown, salt: Uint8Array): string {
  return (
    MASK_HASH_PREFIX +
    toHex(
      keyed(salt)
        .clone()
        .update(utf8(canonicalJson(value)))
        .digest(),
    )
  );
}

type KeyedHmac = ReturnType<typeof hmac.create>;

// HMAC's two keyed SHA-256 states per salt, made once: a masked event hashes several short
// values under one tenant's salt, and setting up the key costs as much as hashing each of them.
// Keyed by the salt's identity (callers keep one array per tenant); an array edited in place
// after use would keep its old state, so salts are treated as immutable.
const keyedStates = new WeakMap<Uint8Array, KeyedHmac>();

function keyed(salt: Uint8Array): KeyedHmac {
  let state = keyedStates.get(salt);
  if (state === undefined) {
    state = hmac.create(sha256, salt);
    keyedStates.set(salt, state);
  }
  return state;
}

type Container = Record<string, unknown> | unknown[];

const hasOwn = Object.prototype.hasOwnProperty;

function isContainer(value: unknown): value is Container {
  return typeof value === "object" && value !== null;
}

/** The container that holds the member `mask` designates, or undefined when it does not resolve. */
function parentOf(root: unknown, mask: ParsedPointer): Container | undefined {
  const last = mask.tokens.length - 1;
  let node = root;
  for (let i = 0; i <= last; i++) {
    if (!isContainer(node)) return undefined;
    let child: unknown;
    if (Array.isArray(node)) {
      const index = mask.indexes[i]!;
      if (index < 0 || index >= node.length) return undefined;
      child = node[index];
    } else {
      const token = mask.tokens[i]!;
      if (!hasOwn.call(node, token)) return undefined;
      child = node[token];
    }
    if (i === last) return node;
    node = child;
  }
  return undefined;
}

function keyAt(container: Container, mask: ParsedPointer, i: number): string | number {
  return Array.isArray(container) ? mask.indexes[i]! : mask.tokens[i]!;
}

/**
 * Applies `masks` in order to a copy of `event`.
 *
 * - "remove" deletes the member from an object; in an array it writes null instead, so that
 *   the indexes of later elements (and any pointer to them) stay the same.
 * - "hash" replaces the value with `maskHash(value, salt)`.
 *
 * `event` is never modified. The result copies only the objects and arrays on the way to a
 * masked member and shares every other subtree with `event` (when no mask matches, `body` is
 * `event` itself), so treat both as read-only afterwards. A mask whose pointer does not
 * resolve, including one inside a member an earlier mask removed, is skipped and not listed.
 *
 * @returns the masked body and the pointers of the masks that matched, in mask order.
 */
export function applyMasks(
  event: unknown,
  masks: readonly CompiledMask[],
  salt: Uint8Array,
): { body: unknown; masked: string[] } {
  return editCopy(event, masks, (slot, key, mask) => {
    if (mask.action === "hash") slot[key] = maskHash(slot[key], salt);
    else if (Array.isArray(slot)) slot[key as number] = null;
    else delete slot[key];
  });
}

/**
 * A copy of `root` with the value at each of `edits`' pointers replaced by the given value,
 * copied only along the paths edited (as `applyMasks` copies). A pointer that does not resolve
 * is skipped.
 */
export function replaceValues(
  root: unknown,
  edits: ReadonlyArray<{ readonly at: ParsedPointer; readonly value: unknown }>,
): unknown {
  const values = new Map(edits.map((e) => [e.at, e.value]));
  return editCopy(
    root,
    edits.map((e) => e.at),
    (slot, key, at) => {
      slot[key] = values.get(at);
    },
  ).body;
}

type Slot = Record<string | number, unknown>;

/** Runs `edit` on the parent of each pointer that resolves, in a copy made along the paths edited. */
function editCopy<P extends ParsedPointer>(
  root: unknown,
  pointers: readonly P[],
  edit: (slot: Slot, key: string | number, pointer: P) => void,
): { body: unknown; masked: string[] } {
  let body = root;
  const masked: string[] = [];
  const copies = new Set<Container>();
  const own = (value: Container): Container => {
    if (copies.has(value)) return value;
    const copy: Container = Array.isArray(value) ? value.slice() : { ...value };
    copies.add(copy);
    return copy;
  };
  for (const mask of pointers) {
    if (mask.tokens.length === 0 || parentOf(body, mask) === undefined) continue;
    // Copy the path from the root down to the parent; every key on it resolves (checked
    // above) and is an own member, so the writes below never reach a prototype setter.
    body = own(body as Container);
    let node = body as Container;
    const last = mask.tokens.length - 1;
    for (let i = 0; i < last; i++) {
      const key = keyAt(node, mask, i);
      const child = own((node as Slot)[key] as Container);
      (node as Slot)[key] = child;
      node = child;
    }
    edit(node as Slot, keyAt(node, mask, last), mask);
    masked.push(mask.pointer);
  }
  return { body, masked };
}

import { EXACT_DIMENSIONS, emptyAggregate, type Aggregate, type ExactDimension } from "./facts";

/**
 * The stats key dictionary: per group (exact dimension), the keys a shard counts by name, each
 * with a slot number given when the key is first sealed. A group holds at most STATS_KEYS_MAX
 * keys (README: Limits); events whose key arrives once the group is full are counted under
 * OTHER. Slots are never taken back, so for every key: the key has a slot ⟺ every sealed event
 * with that key is counted under it (a key without a slot met a full group and will always
 * meet one). That is what lets an erasure find the counter its event was added to.
 *
 * The null key (no retained content, or erased) never takes a slot and is never capped: an
 * erasure moves counts to it. When no event is counted under a key any more (its bodies were
 * erased or expired), the key's text is dropped and its slot stays taken (retire): the
 * dictionary holds no value that no stored body holds, and the rule above still holds (a key
 * arriving again takes a new slot if the group has room).
 */
export const STATS_KEYS_MAX = 256;

/** The counter of keys beyond the limit. Not a JSON text, so no real key (a JSON text) is equal to it. */
export const OTHER = "*";

const NULL_KEY = "null";
/** Stored (slot) form of the null key and of OTHER; slots are decimal numbers. */
const NULL_SLOT = "n";
const OTHER_SLOT = "*";

export class StatsKeys {
  /** Per group, slot → key; null for a retired slot. */
  private readonly lists: Record<ExactDimension, Array<string | null>>;
  private readonly slots: Record<ExactDimension, Map<string, number>>;
  /** Groups whose list changed since load: their dictionary row must be written. */
  readonly dirty = new Set<ExactDimension>();

  constructor(lists: Partial<Record<ExactDimension, Array<string | null>>> = {}) {
    this.lists = Object.fromEntries(EXACT_DIMENSIONS.map((d) => [d, [...(lists[d] ?? [])]])) as Record<
      ExactDimension,
      Array<string | null>
    >;
    this.slots = Object.fromEntries(
      EXACT_DIMENSIONS.map((d) => [
        d,
        new Map(this.lists[d].flatMap((k, i) => (k === null ? [] : [[k, i] as const]))),
      ]),
    ) as Record<ExactDimension, Map<string, number>>;
  }

  list(dim: ExactDimension): ReadonlyArray<string | null> {
    return this.lists[dim];
  }

  copy(): StatsKeys {
    return new StatsKeys(this.lists);
  }

  /**
   * The counter `key` (a JSON text) of group `dim` is counted under: itself or OTHER. With
   * `grow`, a key without a slot takes one while the group has room.
   */
  admit(dim: ExactDimension, key: string, grow: boolean): string {
    if (key === NULL_KEY || key === OTHER || this.slots[dim].has(key)) return key;
    if (!grow || this.lists[dim].length >= STATS_KEYS_MAX) return OTHER;
    this.slots[dim].set(key, this.lists[dim].length);
    this.lists[dim].push(key);
    this.dirty.add(dim);
    return key;
  }

  /** Drops the key of `slot` (stored form), keeping the slot taken. Precondition: nothing is counted under it. */
  retire(dim: ExactDimension, slot: string): void {
    const key = this.lists[dim][Number(slot)];
    if (slot === NULL_SLOT || slot === OTHER_SLOT || key === undefined || key === null) return;
    this.lists[dim][Number(slot)] = null;
    this.slots[dim].delete(key);
    this.dirty.add(dim);
  }

  /** Stored form of a key: its slot. Precondition: admitted (has a slot, or is null or OTHER). */
  private slotOf(dim: ExactDimension, key: string): string {
    if (key === NULL_KEY) return NULL_SLOT;
    if (key === OTHER) return OTHER_SLOT;
    const slot = this.slots[dim].get(key);
    if (slot === undefined) throw new Error(`stats key ${key.slice(0, 80)} of ${dim} has no slot`);
    return String(slot);
  }

  private keyOf(dim: ExactDimension, slot: string): string {
    if (slot === NULL_SLOT) return NULL_KEY;
    if (slot === OTHER_SLOT) return OTHER;
    const key = this.lists[dim][Number(slot)];
    if (key === undefined || key === null)
      throw new Error(`stats slot ${slot} of ${dim} is not in the dictionary`);
    return key;
  }

  /**
   * `agg` (keys as JSON texts) with every key counted where this dictionary says: itself, or
   * OTHER (see admit). Producer counters follow the producer group.
   */
  cap(agg: Aggregate, grow: boolean): Aggregate {
    return this.mapKeys(agg, (dim, key) => this.admit(dim, key, grow));
  }

  /** Stored form: keys replaced by their slots. Precondition: `agg` is capped by this dictionary. */
  encode(agg: Aggregate): Aggregate {
    return this.mapKeys(agg, (dim, key) => this.slotOf(dim, key));
  }

  /** The inverse of encode. */
  decode(stored: Aggregate): Aggregate {
    return this.mapKeys(stored, (dim, slot) => this.keyOf(dim, slot));
  }

  private mapKeys(agg: Aggregate, to: (dim: ExactDimension, key: string) => string): Aggregate {
    const out = emptyAggregate();
    out.events = agg.events;
    out.covered = agg.covered;
    out.unavailable = agg.unavailable;
    out.sampling = structuredClone(agg.sampling);
    for (const dim of EXACT_DIMENSIONS) {
      for (const [key, n] of Object.entries(agg.exact[dim])) {
        const k = to(dim, key);
        out.exact[dim][k] = (out.exact[dim][k] ?? 0) + n;
      }
    }
    for (const [key, counts] of Object.entries(agg.producers)) {
      const k = to("producer", key);
      const have = out.producers[k];
      if (have) counts.forEach((v, i) => (have[i]! += v));
      else out.producers[k] = [...counts];
    }
    return out;
  }
}

import {
  EXACT_DIMENSIONS,
  emptyAggregate,
  mergeAggregate,
  type Aggregate,
  type ExactDimension,
} from "./facts";
import { StatsKeys } from "./stats-keys";

/**
 * The `stats_totals` table: the running sum of every sealed batch's exact stats in stored
 * (slot) form under `counts`, and the stats key dictionary, one row per group under
 * `keys/<group>` (stats-keys.ts). A seal rewrites the counts row, and a dictionary row only when
 * its group took a new key; a stats call over the whole log reads these rows and the pending
 * slices, never the events.
 */
const COUNTS = "counts";
const KEYS_PREFIX = "keys/";

export function loadStatsKeys(sql: SqlStorage): StatsKeys {
  const lists: Partial<Record<ExactDimension, Array<string | null>>> = {};
  for (const row of sql.exec<{ k: string; v: string }>(
    "SELECT k, v FROM stats_totals WHERE k >= ? AND k < ?",
    KEYS_PREFIX,
    KEYS_PREFIX.slice(0, -1) + "0",
  )) {
    const dim = row.k.slice(KEYS_PREFIX.length) as ExactDimension;
    if (EXACT_DIMENSIONS.includes(dim)) lists[dim] = JSON.parse(row.v) as Array<string | null>;
  }
  return new StatsKeys(lists);
}

/** Writes the dictionary rows of the groups that changed. Precondition: inside the caller's transaction. */
export function saveStatsKeys(sql: SqlStorage, keys: StatsKeys): void {
  for (const dim of keys.dirty) {
    sql.exec(
      "INSERT OR REPLACE INTO stats_totals (k, v) VALUES (?, ?)",
      KEYS_PREFIX + dim,
      JSON.stringify(keys.list(dim)),
    );
  }
  keys.dirty.clear();
}

/** The totals in stored (slot) form: decode with the dictionary. */
export function readTotals(sql: SqlStorage): Aggregate {
  const row = sql.exec<{ v: string }>("SELECT v FROM stats_totals WHERE k = ?", COUNTS).toArray()[0];
  return row ? (JSON.parse(row.v) as Aggregate) : emptyAggregate();
}

/**
 * Adds `delta` (stored form) to the totals; a key that no event is counted under any more is
 * retired from `keys` (its text removed: erasure leaves no derived copy), and changed dictionary
 * rows are written. Precondition: inside the transaction that makes `delta` true.
 */
export function addToTotals(sql: SqlStorage, delta: Aggregate, keys: StatsKeys): void {
  const totals = readTotals(sql);
  mergeAggregate(totals, delta);
  for (const dim of EXACT_DIMENSIONS) {
    for (const [slot, n] of Object.entries(delta.exact[dim])) {
      if (n < 0 && totals.exact[dim][slot] === undefined) keys.retire(dim, slot);
    }
  }
  saveStatsKeys(sql, keys);
  sql.exec("INSERT OR REPLACE INTO stats_totals (k, v) VALUES (?, ?)", COUNTS, JSON.stringify(totals));
}

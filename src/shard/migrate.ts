import { emptyAggregate, mergeAggregate, type Aggregate } from "./facts";
import { StatsKeys } from "./stats-keys";
import { addToTotals } from "./stats-totals";
import { STATS_TOTALS_TABLE } from "./schema";

/**
 * Migrations between storage layouts (README: Storage). Each one takes a database of layout
 * `from` to `from + 1`, inside the caller's transaction, so a crash leaves the database at the
 * older layout and the next start migrates again. Layouts before 2 (edgelog 0.1) have none.
 */
export const MIGRATIONS: Readonly<Record<number, (sql: SqlStorage) => void>> = {
  2: layout2to3,
};

/**
 * Layout 3 stores stats keys in a per-shard dictionary with at most STATS_KEYS_MAX keys per
 * group (stats-keys.ts): each batch's stats are recounted in batch order, as the seals would
 * have counted them, and the one-row totals become the counts row and dictionary rows.
 * Producer counters are keyed by the producer's JSON text, like the exact groups.
 */
function layout2to3(sql: SqlStorage): void {
  const batches = sql.exec<{ n: number; stats: string }>("SELECT n, stats FROM batches ORDER BY n").toArray();
  sql.exec("DROP TABLE IF EXISTS stats_totals");
  sql.exec(STATS_TOTALS_TABLE);
  const keys = new StatsKeys();
  const totals = emptyAggregate();
  for (const b of batches) {
    const old = JSON.parse(b.stats) as Aggregate;
    old.producers = Object.fromEntries(
      Object.entries(old.producers).map(([name, counts]) => [JSON.stringify(name), counts]),
    );
    const stored = keys.encode(keys.cap(old, true));
    sql.exec("UPDATE batches SET stats = ? WHERE n = ?", JSON.stringify(stored), b.n);
    mergeAggregate(totals, stored);
  }
  addToTotals(sql, totals, keys);
}

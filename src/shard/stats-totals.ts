import { emptyAggregate, mergeAggregate, type Aggregate } from "./facts";

/**
 * The running sum of every sealed batch's exact stats (one row): updated in the transaction
 * that seals a batch or removes bodies, read by stats calls over the whole log.
 */
export function readTotals(sql: SqlStorage): Aggregate {
  const row = sql.exec<{ stats: string }>("SELECT stats FROM stats_totals WHERE k = 0").toArray()[0];
  return row ? (JSON.parse(row.stats) as Aggregate) : emptyAggregate();
}

/** Precondition: inside the transaction that makes `delta` true. */
export function addToTotals(sql: SqlStorage, delta: Aggregate): void {
  const totals = readTotals(sql);
  mergeAggregate(totals, delta);
  sql.exec("INSERT OR REPLACE INTO stats_totals (k, stats) VALUES (0, ?)", JSON.stringify(totals));
}

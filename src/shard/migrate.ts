import { emptyAggregate, mergeAggregate, type Aggregate } from "./facts";
import { StatsKeys } from "./stats-keys";
import { addToTotals } from "./stats-totals";
import { EVENT_IDS_TABLE, EVENT_PAIRS_TABLE, MAX_BOUND_PARAMS, STATS_TOTALS_TABLE } from "./schema";
import { decisionKey } from "./event-pairs";
import { idRow } from "./event-ids";
import { toHex } from "../core/bytes";

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
 * Producer counters are keyed by the producer's JSON text, like the exact groups. The id index
 * keeps the ids' first 48 bits instead of the 32-byte ids (event-ids.ts), and the decision
 * index a 16-byte key instead of the decision id's text (event-pairs.ts).
 */
function layout2to3(sql: SqlStorage): void {
  statsTo3(sql);
  idsTo3(sql);
  pairsTo3(sql);
}

function pairsTo3(sql: SqlStorage): void {
  const rows = sql
    .exec<{ decision_id: string; sequence_number: number; seq: number }>(
      "SELECT decision_id, sequence_number, seq FROM event_pairs",
    )
    .toArray();
  sql.exec("DROP TABLE event_pairs");
  sql.exec(EVENT_PAIRS_TABLE);
  const perInsert = Math.floor(MAX_BOUND_PARAMS / 3);
  for (let i = 0; i < rows.length; i += perInsert) {
    const chunk = rows.slice(i, i + perInsert);
    sql.exec(
      `INSERT INTO event_pairs (d, sequence_number, seq) VALUES ${chunk.map(() => "(?, ?, ?)").join(",")}`,
      ...chunk.flatMap((r) => [decisionKey(r.decision_id), r.sequence_number, r.seq]),
    );
  }
}

function idsTo3(sql: SqlStorage): void {
  const rows = sql.exec<{ id: ArrayBuffer; seq: number }>("SELECT id, seq FROM event_ids").toArray();
  sql.exec("DROP TABLE event_ids");
  sql.exec(EVENT_IDS_TABLE);
  const perInsert = MAX_BOUND_PARAMS / 2;
  for (let i = 0; i < rows.length; i += perInsert) {
    const chunk = rows.slice(i, i + perInsert);
    sql.exec(
      `INSERT INTO event_ids (k, seq) VALUES ${chunk.map(() => "(?, ?)").join(",")}`,
      ...chunk.flatMap((r) => idRow(toHex(new Uint8Array(r.id)), r.seq)),
    );
  }
}

function statsTo3(sql: SqlStorage): void {
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

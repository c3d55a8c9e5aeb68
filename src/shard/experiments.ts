import { fromHex } from "../core/bytes";
import { MAX_BOUND_PARAMS } from "./schema";
import type { AppendResult, PreparedEvent } from "./types";

/**
 * A/B exposure counts kept up to date at append, so `GET /v1/experiments` reads a few aggregate
 * rows instead of scanning events: per (experiment, variant, UTC hour) the exposures, the
 * subjects seen for the first time, and the logged assignment probabilities; per
 * (experiment, variant) the set of subjects (as 128-bit keyed hashes) that makes "first time"
 * exact. A query costs one row per (experiment, variant, hour) in its window; an append costs
 * one upsert per (experiment, variant) it touches plus one insert per exposure.
 */
export const EXPERIMENT_SCHEMA = `
CREATE TABLE IF NOT EXISTS experiment_hours (
  experiment TEXT NOT NULL,
  variant TEXT NOT NULL,
  hour INTEGER NOT NULL,
  exposures INTEGER NOT NULL,
  new_subjects INTEGER NOT NULL,
  probability_sum REAL NOT NULL,
  probability_min REAL NOT NULL,
  probability_max REAL NOT NULL,
  first_at INTEGER NOT NULL,
  last_at INTEGER NOT NULL,
  PRIMARY KEY (experiment, variant, hour)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS experiment_subjects (
  experiment TEXT NOT NULL,
  variant TEXT NOT NULL,
  subject BLOB NOT NULL,
  PRIMARY KEY (experiment, variant, subject)
) WITHOUT ROWID;
`;

export const HOUR_MS = 3_600_000;

interface Group {
  experiment: string;
  variant: string;
  exposures: number;
  newSubjects: number;
  probabilitySum: number;
  probabilityMin: number;
  probabilityMax: number;
}

const groupKey = (experiment: string, variant: string) => JSON.stringify([experiment, variant]);

/**
 * Counts the exposures among the events this append stored (duplicates are not counted again,
 * so a retried request changes nothing).
 * Preconditions: runs inside the append's `transactionSync`, after the events were sequenced;
 * `results` are that append's results; `at` is its received_at (ms).
 */
export function recordExposures(
  sql: SqlStorage,
  events: ReadonlyArray<Pick<PreparedEvent, "index" | "exposure">>,
  results: ReadonlyArray<Pick<AppendResult, "index" | "status">>,
  at: number,
): void {
  const stored = new Set(results.filter((r) => r.status === "accepted").map((r) => r.index));
  const groups = new Map<string, Group>();
  const subjects = new Map<Group, unknown[]>();
  for (const e of events) {
    const x = e.exposure;
    if (!x || !stored.has(e.index)) continue;
    const key = groupKey(x.experiment, x.variant);
    let g = groups.get(key);
    if (!g) {
      g = {
        experiment: x.experiment,
        variant: x.variant,
        exposures: 0,
        newSubjects: 0,
        probabilitySum: 0,
        probabilityMin: 1,
        probabilityMax: 0,
      };
      groups.set(key, g);
      subjects.set(g, []);
    }
    g.exposures++;
    g.probabilitySum += x.probability;
    g.probabilityMin = Math.min(g.probabilityMin, x.probability);
    g.probabilityMax = Math.max(g.probabilityMax, x.probability);
    subjects.get(g)!.push(fromHex(x.subjectKey));
  }
  if (groups.size === 0) return;
  // One statement per (experiment, variant) and up to 98 subjects: the rows it writes are the
  // subjects not seen before (a repeat, also within this append, is ignored), counted once.
  const perStatement = MAX_BOUND_PARAMS - 2;
  for (const [g, keys] of subjects) {
    for (let i = 0; i < keys.length; i += perStatement) {
      const chunk = keys.slice(i, i + perStatement);
      const cursor = sql.exec(
        `INSERT OR IGNORE INTO experiment_subjects (experiment, variant, subject) SELECT ?1, ?2, column1 FROM (VALUES ${chunk.map((_, j) => `(?${j + 3})`).join(",")})`,
        g.experiment,
        g.variant,
        ...chunk,
      );
      cursor.toArray();
      g.newSubjects += cursor.rowsWritten;
    }
  }
  const hour = Math.floor(at / HOUR_MS);
  for (const g of groups.values()) {
    sql.exec(
      `INSERT INTO experiment_hours (experiment, variant, hour, exposures, new_subjects, probability_sum, probability_min, probability_max, first_at, last_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (experiment, variant, hour) DO UPDATE SET
         exposures = exposures + excluded.exposures,
         new_subjects = new_subjects + excluded.new_subjects,
         probability_sum = probability_sum + excluded.probability_sum,
         probability_min = MIN(probability_min, excluded.probability_min),
         probability_max = MAX(probability_max, excluded.probability_max),
         first_at = MIN(first_at, excluded.first_at),
         last_at = MAX(last_at, excluded.last_at)`,
      g.experiment,
      g.variant,
      hour,
      g.exposures,
      g.newSubjects,
      g.probabilitySum,
      g.probabilityMin,
      g.probabilityMax,
      at,
      at,
    );
  }
}

/** Per (experiment, variant) totals over a window of whole hours; summed across shards by the Worker. */
export interface VariantTotals {
  experiment: string;
  variant: string;
  exposures: number;
  /** Subjects whose first exposure to this variant (in this shard) falls in the window. */
  subjects: number;
  probabilitySum: number;
  probabilityMin: number;
  probabilityMax: number;
  firstAt: number;
  lastAt: number;
}

export interface ExperimentQuery {
  /** Only this experiment; all when absent. */
  experiment?: string;
  /** Hour numbers (ms / HOUR_MS): buckets with fromHour ≤ hour < toHour. */
  fromHour?: number;
  toHour?: number;
}

/** Totals per (experiment, variant) from the hourly aggregates (no event is read). */
export function experimentTotals(sql: SqlStorage, query: ExperimentQuery): VariantTotals[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (query.experiment !== undefined) {
    where.push("experiment = ?");
    params.push(query.experiment);
  }
  if (query.fromHour !== undefined) {
    where.push("hour >= ?");
    params.push(query.fromHour);
  }
  if (query.toHour !== undefined) {
    where.push("hour < ?");
    params.push(query.toHour);
  }
  return sql
    .exec<{
      experiment: string;
      variant: string;
      exposures: number;
      subjects: number;
      probability_sum: number;
      probability_min: number;
      probability_max: number;
      first_at: number;
      last_at: number;
    }>(
      `SELECT experiment, variant, SUM(exposures) AS exposures, SUM(new_subjects) AS subjects,
              SUM(probability_sum) AS probability_sum, MIN(probability_min) AS probability_min,
              MAX(probability_max) AS probability_max, MIN(first_at) AS first_at, MAX(last_at) AS last_at
         FROM experiment_hours ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
        GROUP BY experiment, variant ORDER BY experiment, variant`,
      ...params,
    )
    .toArray()
    .map((r) => ({
      experiment: r.experiment,
      variant: r.variant,
      exposures: r.exposures,
      subjects: r.subjects,
      probabilitySum: r.probability_sum,
      probabilityMin: r.probability_min,
      probabilityMax: r.probability_max,
      firstAt: r.first_at,
      lastAt: r.last_at,
    }));
}

import { LAYOUT_VERSION } from "./schema";
import { MIGRATIONS } from "./migrate";
import type { LogRef, ShardSettings } from "./types";

/**
 * The shard's persisted metadata: the one place that reads and writes the `meta` table.
 * Values are loaded once when the object starts and kept in memory; every change goes through
 * `saveMeta`, inside the transaction that makes it true.
 */
export interface ShardMeta {
  layout: number;
  log: LogRef | null;
  settings: ShardSettings | null;
  /** Events below this seq are sealed. */
  sealedUpto: number;
  /** Sealed batches: the log tree's size. */
  treeSize: number;
  /** Bodies of events below this seq were removed by retention. */
  retentionUpto: number;
  /** Batches [0, archivedUpto) are in R2. */
  archivedUpto: number;
  /** Batches [0, offloadedBatches) keep their bodies only in R2. */
  offloadedBatches: number;
}

const KEYS = {
  layout: "layout",
  log: "log",
  settings: "settings",
  sealedUpto: "sealed_upto",
  treeSize: "tree_size",
  retentionUpto: "retention_upto",
  archivedUpto: "archived_upto",
  offloadedBatches: "offloaded_batches",
} as const satisfies Record<keyof ShardMeta, string>;

/** A database written by another storage layout than this code's (README: Storage). */
export class LayoutVersionError extends Error {
  readonly expected: number;
  readonly found: string;
  constructor(expected: number, found: string) {
    super(
      `this LogShard's database has storage layout ${found}; this version of edgelog reads layout ${expected} only ` +
        `and ships no migration from it`,
    );
    this.name = "LayoutVersionError";
    this.expected = expected;
    this.found = found;
  }
}

/**
 * Reads the metadata, stamping a new database with this code's layout version and migrating a
 * database of an older layout (migrate.ts), one version at a time, inside `atomically`.
 * @throws LayoutVersionError when the database was written by a layout with no migration to
 * this one (a newer one, or 0.1's: a database with a log but no version is layout 1).
 */
export function loadMeta(sql: SqlStorage, atomically: (work: () => void) => void = (w) => w()): ShardMeta {
  const raw = new Map(
    sql
      .exec<{ k: string; v: string | number }>("SELECT k, v FROM meta")
      .toArray()
      .map((r) => [r.k, r.v]),
  );
  const layout = raw.get(KEYS.layout);
  if (layout === undefined) {
    const tables = sql
      .exec<{ n: number }>("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'events'")
      .one().n;
    if (raw.has(KEYS.log) || tables > 0) throw new LayoutVersionError(LAYOUT_VERSION, "1 (edgelog 0.1)");
    sql.exec("INSERT INTO meta (k, v) VALUES (?, ?)", KEYS.layout, LAYOUT_VERSION);
  } else if (Number(layout) !== LAYOUT_VERSION) {
    const from = Number(layout);
    const steps: Array<(sql: SqlStorage) => void> = [];
    for (let v = from; v < LAYOUT_VERSION && MIGRATIONS[v]; v++) steps.push(MIGRATIONS[v]!);
    if (!Number.isInteger(from) || from + steps.length !== LAYOUT_VERSION)
      throw new LayoutVersionError(LAYOUT_VERSION, String(layout));
    atomically(() => {
      for (const step of steps) step(sql);
      sql.exec("UPDATE meta SET v = ? WHERE k = ?", LAYOUT_VERSION, KEYS.layout);
    });
  }
  const num = (k: string) => Number(raw.get(k) ?? 0);
  const json = <T>(k: string): T | null => {
    const v = raw.get(k);
    return typeof v === "string" ? (JSON.parse(v) as T) : null;
  };
  return {
    layout: LAYOUT_VERSION,
    log: json<LogRef>(KEYS.log),
    settings: json<ShardSettings>(KEYS.settings),
    sealedUpto: num(KEYS.sealedUpto),
    treeSize: num(KEYS.treeSize),
    retentionUpto: num(KEYS.retentionUpto),
    archivedUpto: num(KEYS.archivedUpto),
    offloadedBatches: num(KEYS.offloadedBatches),
  };
}

/** Writes the given members (in the caller's transaction, when there is one). */
export function saveMeta(sql: SqlStorage, change: Partial<Omit<ShardMeta, "layout">>): void {
  for (const [name, value] of Object.entries(change) as Array<[keyof ShardMeta, unknown]>) {
    if (value === undefined) continue;
    const v = typeof value === "number" ? value : JSON.stringify(value);
    sql.exec("INSERT OR REPLACE INTO meta (k, v) VALUES (?, ?)", KEYS[name], v);
  }
}

/**
 * The slice of workerd's `SqlStorage` that src/shard uses, over Node's built-in SQLite
 * (`node:sqlite`, Node 22.5+), so the shard's own storage code can be timed with a
 * high-resolution clock (workerd's clock advances in whole milliseconds).
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";

type Row = Record<string, unknown>;

class Cursor<T extends Row> implements Iterable<T> {
  private index = 0;
  constructor(private readonly rows: T[]) {}
  toArray(): T[] {
    return this.rows.slice(this.index);
  }
  one(): T {
    if (this.rows.length !== 1) throw new Error(`expected exactly one row, found ${this.rows.length}`);
    return this.rows[0]!;
  }
  next(): IteratorResult<T> {
    return this.index < this.rows.length
      ? { done: false, value: this.rows[this.index++]! }
      : { done: true, value: undefined };
  }
  [Symbol.iterator](): Iterator<T> {
    return this;
  }
  get columnNames(): string[] {
    return this.rows[0] ? Object.keys(this.rows[0]) : [];
  }
  get rowsRead(): number {
    return this.rows.length;
  }
  get rowsWritten(): number {
    return 0;
  }
}

/** Time spent in each distinct SQL statement while `NodeSql.timing` is on. */
export interface StatementTime {
  query: string;
  calls: number;
  ms: number;
}

export interface NodeSql {
  /** Pass where src/shard expects the Durable Object's `ctx.storage.sql`. */
  sql: SqlStorage;
  /** Runs `write` in one transaction, like `ctx.storage.transactionSync`. */
  transaction: <T>(write: () => T) => T;
  db: DatabaseSync;
  /** Starts (or restarts) per-statement timing; `statementTimes` reads it out and stops it. */
  startTiming: () => void;
  statementTimes: () => StatementTime[];
  /** SQLite's plan for `query`, one line per step. */
  queryPlan: (query: string, ...bindings: unknown[]) => string[];
  close: () => void;
}

export function openNodeSql(path: string): NodeSql {
  const db = new DatabaseSync(path);
  // Filling a million-event log must not wait on an fsync per transaction; reads, which are
  // what gets timed, are unaffected by either setting.
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;");
  const statements = new Map<string, StatementSync>();
  const exec = (query: string, ...bindings: unknown[]) => {
    if (bindings.length === 0 && query.includes(";")) {
      // Several statements (a schema): node:sqlite runs those only through exec().
      db.exec(query);
      return new Cursor([]);
    }
    let stmt = statements.get(query);
    if (!stmt) {
      stmt = db.prepare(query);
      statements.set(query, stmt);
    }
    if (!times) return new Cursor(stmt.all(...(bindings as never[])) as Row[]);
    const start = performance.now();
    const rows = stmt.all(...(bindings as never[])) as Row[];
    const entry = times.get(query) ?? { query, calls: 0, ms: 0 };
    entry.calls++;
    entry.ms += performance.now() - start;
    times.set(query, entry);
    return new Cursor(rows);
  };
  let times: Map<string, StatementTime> | null = null;
  const sql = {
    exec,
    get databaseSize(): number {
      const pages = (db.prepare("PRAGMA page_count").get() as { page_count: number }).page_count;
      const size = (db.prepare("PRAGMA page_size").get() as { page_size: number }).page_size;
      return pages * size;
    },
  } as unknown as SqlStorage;
  const transaction = <T>(write: () => T): T => {
    db.exec("BEGIN");
    try {
      const out = write();
      db.exec("COMMIT");
      return out;
    } catch (err) {
      db.exec("ROLLBACK");
      throw err;
    }
  };
  return {
    sql,
    transaction,
    db,
    startTiming: () => void (times = new Map()),
    statementTimes: () => {
      // A snapshot that stops the timing: later statements must not change what was read.
      const snapshot = [...(times?.values() ?? [])].map((t) => ({ ...t })).sort((a, b) => b.ms - a.ms);
      times = null;
      return snapshot;
    },
    queryPlan: (query, ...bindings) =>
      (
        db.prepare(`EXPLAIN QUERY PLAN ${query}`).all(...(bindings as never[])) as Array<{ detail: string }>
      ).map((r) => r.detail),
    close: () => db.close(),
  };
}

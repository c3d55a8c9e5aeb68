import { decodeBundle, splitLines } from "./bundle";
import type { EventFacts } from "./facts";

/** A sealed batch's row, without its blobs. */
export type BatchRow = {
  n: number;
  first_seq: number;
  count: number;
  header: string;
  sealed_at: number;
  received_first: number;
  received_last: number;
  /** "kept": bodies in the bundle; "offloaded": only in R2 (the bundle keeps the envelopes). */
  bodies: "kept" | "offloaded";
};

const BATCH_COLUMNS = "n, first_seq, count, header, sealed_at, received_first, received_last, bodies";

/** The batch holding `seq`: the one query for it (an index seek on first_seq). */
export function batchOf(sql: SqlStorage, seq: number): BatchRow | null {
  return (
    sql
      .exec<BatchRow>(
        `SELECT ${BATCH_COLUMNS} FROM batches WHERE first_seq <= ? ORDER BY first_seq DESC LIMIT 1`,
        seq,
      )
      .toArray()[0] ?? null
  );
}

export function batchRow(sql: SqlStorage, n: number): BatchRow | null {
  return sql.exec<BatchRow>(`SELECT ${BATCH_COLUMNS} FROM batches WHERE n = ?`, n).toArray()[0] ?? null;
}

/** The stored bundle of batch `n` (gzip bytes). */
export function bundleBytes(sql: SqlStorage, n: number): Uint8Array | null {
  const row = sql.exec<{ bundle: ArrayBuffer }>("SELECT bundle FROM batches WHERE n = ?", n).toArray()[0];
  return row ? new Uint8Array(row.bundle) : null;
}

/** A pending request slice (see appendEvents). */
export type SliceRow = {
  first_seq: number;
  count: number;
  received_at: number;
  lines: string;
  facts: string;
};

/** The pending slice holding `seq`. */
export function sliceOf(sql: SqlStorage, seq: number): SliceRow | null {
  const row = sql
    .exec<SliceRow>(
      "SELECT first_seq, count, received_at, lines, facts FROM slices WHERE first_seq <= ? ORDER BY first_seq DESC LIMIT 1",
      seq,
    )
    .toArray()[0];
  return row && seq < row.first_seq + row.count ? row : null;
}

export function sliceFacts(row: SliceRow): EventFacts[] {
  return JSON.parse(row.facts) as EventFacts[];
}

export interface DecodedBatch {
  header: string;
  lines: string[];
}

/** Where sealed batches' lines are read from, by their row. */
export type BatchSource = (row: BatchRow) => Promise<DecodedBatch | null>;

/** Decoded bundles kept per object: paging, proofs and exports of recent batches reuse them. */
const CACHED_BUNDLES = 8;

/**
 * Reads event lines wherever they are: pending slices (plain text) or sealed bundles (gzip,
 * decoded on first use and cached). Writers call `forget` when they rewrite a bundle.
 */
export class EventLines {
  private readonly cache = new Map<number, DecodedBatch>();
  /** Counts `forget` calls: a decode that began before one is answered but not cached. */
  private generation = 0;

  constructor(private readonly sql: SqlStorage) {}

  async batch(n: number): Promise<DecodedBatch | null> {
    const hit = this.cache.get(n);
    if (hit) {
      this.cache.delete(n);
      this.cache.set(n, hit);
      return hit;
    }
    const bytes = bundleBytes(this.sql, n);
    if (!bytes) return null;
    const generation = this.generation;
    const decoded: DecodedBatch = await decodeBundle(bytes);
    // A bundle rewritten (erasure, retention, offloading) while this one was decoding must not
    // be shadowed by the old bytes: this caller gets what it read, the cache keeps nothing.
    if (generation !== this.generation) return decoded;
    this.cache.set(n, decoded);
    if (this.cache.size > CACHED_BUNDLES) this.cache.delete(this.cache.keys().next().value!);
    return decoded;
  }

  forget(n: number): void {
    this.generation++;
    this.cache.delete(n);
  }

  /**
   * The stored line of `seq`, or null when the shard has no such event. Sealed lines come from
   * `source` (this object's bundles unless a caller reads elsewhere, e.g. from R2).
   */
  async line(seq: number, sealedUpto: number, source: BatchSource = this.ownBundles): Promise<string | null> {
    if (seq >= sealedUpto) {
      const slice = sliceOf(this.sql, seq);
      return slice ? (splitLines(slice.lines)[seq - slice.first_seq] ?? null) : null;
    }
    const row = batchOf(this.sql, seq);
    if (!row) return null;
    const b = await source(row);
    return b?.lines[seq - row.first_seq] ?? null;
  }

  private readonly ownBundles: BatchSource = (row) => this.batch(row.n);

  /**
   * Calls `visit` for each event in [from, to) in seq order, batch by batch and slice by slice,
   * until it returns false. Precondition: `to` is at most the shard's next seq.
   */
  async forEach(
    from: number,
    to: number,
    sealedUpto: number,
    visit: (seq: number, line: string) => boolean | void,
    source: BatchSource = this.ownBundles,
  ): Promise<void> {
    let seq = from;
    while (seq < Math.min(to, sealedUpto)) {
      const row = batchOf(this.sql, seq);
      if (!row) return;
      const b = await source(row);
      if (!b) return;
      const end = Math.min(to, row.first_seq + row.count);
      for (; seq < end; seq++) if (visit(seq, b.lines[seq - row.first_seq]!) === false) return;
    }
    if (seq >= to) return;
    // Read to the end (pending slices are bounded by MAX_PENDING_EVENTS): `visit` may stop
    // early, and a cursor left open would hold its read transaction, so SQLite could not
    // checkpoint the WAL past it.
    const slices = this.sql
      .exec<SliceRow>(
        "SELECT first_seq, count, received_at, lines, facts FROM slices WHERE first_seq + count > ? AND first_seq < ? ORDER BY first_seq",
        seq,
        to,
      )
      .toArray();
    for (const s of slices) {
      const lines = splitLines(s.lines);
      for (let i = Math.max(0, seq - s.first_seq); i < s.count && s.first_seq + i < to; i++) {
        if (visit(s.first_seq + i, lines[i]!) === false) return;
      }
    }
  }
}

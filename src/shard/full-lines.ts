/**
 * Event lines with their retained content wherever it is kept: pending slices and sealed
 * bundles in SQLite (EventLines), or the R2 object of a batch whose bodies were offloaded
 * (ArchivedBundles). Reads that only need envelopes (ids, proofs, tier and time filters) use
 * EventLines and never touch R2.
 */
import type { DecodedBundle } from "./bundle";
import { batchRow, type BatchRow, type EventLines } from "./lines";
import type { ArchivedBundles } from "./archived-bundles";

export class FullLines {
  constructor(
    private readonly sql: SqlStorage,
    private readonly lines: EventLines,
    private readonly archived: ArchivedBundles,
  ) {}

  /**
   * Sealed batch `n` with its bodies, or null when it is not sealed.
   * @throws ArchiveUnavailableError when its bodies are only in R2 and R2 cannot give them.
   */
  async batch(n: number): Promise<DecodedBundle | null> {
    const row = batchRow(this.sql, n);
    return row ? this.batchOfRow(row) : null;
  }

  private async batchOfRow(row: BatchRow): Promise<DecodedBundle | null> {
    if (row.bodies === "offloaded") return this.archived.get(row);
    return this.lines.batch(row.n);
  }

  /** The line of `seq` with its body, or null when the shard has no such event. */
  line(seq: number, sealedUpto: number): Promise<string | null> {
    return this.lines.line(seq, sealedUpto, this.withBodies);
  }

  /**
   * Calls `visit` for each event in [from, to) in seq order, with its body, until it returns
   * false. Precondition: `to` is at most the shard's next seq.
   */
  forEach(
    from: number,
    to: number,
    sealedUpto: number,
    visit: (seq: number, line: string) => boolean | void,
  ): Promise<void> {
    return this.lines.forEach(from, to, sealedUpto, visit, this.withBodies);
  }

  private readonly withBodies = (row: BatchRow) => this.batchOfRow(row);
}

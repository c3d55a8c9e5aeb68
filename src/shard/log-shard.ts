import { DurableObject } from "cloudflare:workers";
import { sealBatch, type SealedBatch } from "./seal";
import { appendEvents, findExisting } from "./append";
import { queryEvents, type EventFilter, type QueryPage } from "./query";
import { shardStats, sqliteKey, type ExactGroup, type ShardStats } from "./stats";
import { parsePointer, resolvePointer } from "../core/policy";
import type { Envelope } from "./append";
import { EXPERIMENT_SCHEMA, experimentTotals, recordExposures, type ExperimentQuery, type VariantTotals } from "./experiments";

/** Sequence numbers one query page may examine per shard (bounds the cost of a selective filter). */
export const QUERY_SCAN_MAX = 10_000;
import { PRODUCER_SCHEMA, SHARD_SCHEMA } from "./schema";
import { TreeStore } from "./tree-store";
import { buildEventProof, buildConsistency, type EventRecord, type ConsistencyResult } from "./read";
import { signerFromSeed, parseSigningKey, formatVerifierKey, type NoteSigner } from "../core/note";
import { applyRetention, eraseBody, RETENTION_SWEEP_MS, type Erasure } from "./retention";
import { batchKey, linesFromSqlite, readArchived, withoutBody, writeArchived, type BatchRow } from "./archive";
import { fromHex, toHex } from "../core/bytes";
import { readEnvelopeBundle, readTile, TILES_SCHEMA, withCosignatures, type TileAnswer } from "./tiles";
import { shardWitnessing, type Witnessing, type WitnessStatus } from "./witnessing";
import type { TileRef } from "../core/tiles";
import type { AppendOptions, AppendResult, LogRef, Overloaded, PreparedEvent, ShardSettings, Tier } from "./types";

interface Waiter {
  upto: number;
  resolve: () => void;
}

export interface LogInfo {
  origin: string;
  /** Tree size of the log: the number of sealed batches. */
  size: number;
  /** Events sequenced so far, sealed or pending. */
  events: number;
  pending: number;
}

/**
 * One log: a tenant's shard. The single writer, so it is the sequencer. Appends are
 * acknowledged only after their SQLite write is durable (output gates hold the RPC reply);
 * sealing turns pending events into a batch with a signed checkpoint.
 */
export class LogShard extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly tree: TreeStore;
  private log: LogRef | null = null;
  private settings: ShardSettings = { batchMax: 256, batchMs: 250, retentionDays: 0, maxPending: 50_000, archiveKeepBatches: 0 };
  private retentionUpto = 0;
  /** Batches [0, archivedUpto) are in R2. */
  private archivedUpto = 0;
  /** Events below this seq have their bodies only in R2 (unless erased or expired). */
  private offloadedSeq = 0;
  private offloadedBatches = 0;
  private nextSeq = 0;
  private sealedUpto = 0;
  private treeSize = 0;
  private sealChain: Promise<unknown> = Promise.resolve();
  private waiters: Waiter[] = [];
  private signer: NoteSigner | null = null;
  private readonly witnessing: Witnessing;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.tree = new TreeStore(this.sql);
    this.sql.exec(SHARD_SCHEMA);
    this.sql.exec(PRODUCER_SCHEMA);
    this.sql.exec(TILES_SCHEMA);
    this.witnessing = shardWitnessing(ctx, env, this.tree.getNode, () => this.log?.tenant ?? null);
    this.sql.exec(EXPERIMENT_SCHEMA);
    const meta = new Map(this.sql.exec<{ k: string; v: string | number }>("SELECT k, v FROM meta").toArray().map((r) => [r.k, r.v]));
    if (typeof meta.get("log") === "string") this.log = JSON.parse(meta.get("log") as string) as LogRef;
    if (typeof meta.get("settings") === "string") this.settings = JSON.parse(meta.get("settings") as string) as ShardSettings;
    this.nextSeq = Number(this.sql.exec<{ n: number | null }>("SELECT MAX(seq) + 1 AS n FROM events").one().n ?? 0);
    this.sealedUpto = Number(meta.get("sealed_upto") ?? 0);
    this.treeSize = Number(meta.get("tree_size") ?? 0);
    this.retentionUpto = Number(meta.get("retention_upto") ?? 0);
    this.archivedUpto = Number(meta.get("archived_upto") ?? 0);
    this.offloadedSeq = Number(meta.get("offloaded_seq") ?? 0);
    this.offloadedBatches = Number(meta.get("offloaded_batches") ?? 0);
    // Resume sealing (and archiving) after an eviction or crash: acknowledged events must not
    // stay pending.
    if (this.nextSeq > this.sealedUpto || this.archivedUpto < this.treeSize) {
      ctx.blockConcurrencyWhile(async () => {
        if ((await ctx.storage.getAlarm()) === null) await ctx.storage.setAlarm(Date.now());
      });
    }
  }

  private bind(log: LogRef, settings: ShardSettings): void {
    if (this.log && (this.log.origin !== log.origin || this.log.tenant !== log.tenant || this.log.shard !== log.shard)) {
      throw new Error(`shard holds log ${this.log.origin}, asked for ${log.origin}`);
    }
    const settingsChanged =
      this.settings.batchMax !== settings.batchMax ||
      this.settings.batchMs !== settings.batchMs ||
      this.settings.retentionDays !== settings.retentionDays ||
      this.settings.maxPending !== settings.maxPending ||
      this.settings.archiveKeepBatches !== settings.archiveKeepBatches;
    if (!this.log || settingsChanged) {
      this.log = log;
      this.settings = settings;
      this.sql.exec("INSERT OR REPLACE INTO meta (k, v) VALUES ('log', ?), ('settings', ?)", JSON.stringify(log), JSON.stringify(settings));
    }
  }

  /** Sequences events durably; see appendEvents for duplicate and conflict rules. */
  async append(
    log: LogRef,
    settings: ShardSettings,
    events: PreparedEvent[],
    options: AppendOptions,
  ): Promise<AppendResult[] | Overloaded> {
    this.bind(log, settings);
    const backlog = this.nextSeq - this.sealedUpto;
    if (backlog >= this.settings.maxPending) {
      // Sealing is behind (e.g. signing fails): refuse rather than grow an unsealed backlog.
      this.sealPending(true).catch(() => {});
      return { overloaded: true, pending: backlog, retryAfterMs: Math.max(1000, this.settings.batchMs * 4) };
    }
    const receivedAt = new Date();
    const { results, nextSeq } = this.ctx.storage.transactionSync(() => {
      const appended = appendEvents(this.sql, log, events, receivedAt, this.nextSeq);
      recordExposures(this.sql, events, appended.results, receivedAt.getTime());
      return appended;
    });
    this.nextSeq = nextSeq;
    const pending = this.nextSeq - this.sealedUpto;
    if (pending >= this.settings.batchMax) {
      this.sealPending(false).catch(() => {});
    } else if (pending > 0) {
      const alarm = await this.ctx.storage.getAlarm();
      if (alarm === null) await this.ctx.storage.setAlarm(Date.now() + this.settings.batchMs);
    }
    if (!options.waitSealed) return results;
    const upto = results.reduce((m, r) => Math.max(m, r.seq + 1), 0);
    await this.sealedThrough(upto);
    return results.map((r) => ({ ...r, ...this.locate(r.seq) }));
  }

  override async alarm(): Promise<void> {
    await this.sealPending(true);
    this.witnessing.kick();
    if (this.settings.retentionDays > 0) {
      await this.sweepRetention(new Date());
      const next = await this.ctx.storage.getAlarm();
      if (next === null || next > Date.now() + RETENTION_SWEEP_MS) await this.ctx.storage.setAlarm(Date.now() + RETENTION_SWEEP_MS);
    }
  }

  /**
   * Removes bodies older than the retention period as of `now` (the alarm passes the clock),
   * in SQLite and in the archived objects of the expired batches (which are whole batches).
   */
  async sweepRetention(now: Date): Promise<number> {
    const before = this.retentionUpto;
    this.retentionUpto = this.ctx.storage.transactionSync(() =>
      applyRetention(this.sql, this.settings.retentionDays, now, this.retentionUpto),
    );
    if (this.retentionUpto > before && this.env.ARCHIVE && this.log) {
      const expired = this.sql
        .exec<{ n: number } & BatchRow>(
          "SELECT n, first_seq, count, header FROM batches WHERE first_seq >= ? AND first_seq < ? AND n < ? ORDER BY n",
          before,
          this.retentionUpto,
          this.archivedUpto,
        )
        .toArray();
      for (const b of expired) {
        await writeArchived(this.env.ARCHIVE, batchKey(this.log.tenant, this.log.shard, b.n), linesFromSqlite(this.sql, b));
      }
    }
    return this.retentionUpto;
  }

  /** Erases the retained body of event `id` (in SQLite and in R2); its envelope and proof stay valid. */
  async eraseEventBody(id: string, reason: string): Promise<{ found: boolean; erased: Erasure | null }> {
    let idBytes: Uint8Array;
    try {
      idBytes = fromHex(id);
    } catch {
      return { found: false, erased: null };
    }
    const row = this.sql.exec<{ seq: number }>("SELECT seq FROM events WHERE id = ?", idBytes).toArray()[0];
    if (!row) return { found: false, erased: null };
    const batch = this.batchOf(row.seq);
    const archived = batch !== null && batch.n < this.archivedUpto && this.env.ARCHIVE && this.log;
    const key = archived ? batchKey(this.log!.tenant, this.log!.shard, batch!.n) : null;
    const lines = key ? await readArchived(this.env.ARCHIVE, key) : null;
    const inArchive = lines !== null && lines[row.seq - batch!.first_seq + 1]?.endsWith(',"event":null}') === false;
    const erased = this.ctx.storage.transactionSync(() => eraseBody(this.sql, row.seq, reason, new Date(), row.seq < this.offloadedSeq && inArchive));
    // Rewrite the archived object without the body; the erasure is already recorded, so a
    // failure here is retried by the next erasure request of the same event.
    if (erased && key && lines && inArchive) await writeArchived(this.env.ARCHIVE, key, withoutBody(lines, row.seq - batch!.first_seq));
    return { found: true, erased };
  }

  /**
   * Seals pending events into batches of at most batchMax. With `all` false only full batches
   * are sealed (the size trigger); the alarm seals everything (the time trigger). Seals are
   * chained so two never interleave around the signing await.
   */
  private sealPending(all: boolean): Promise<void> {
    const run = this.sealChain.then(async () => {
      const before = this.treeSize;
      for (;;) {
        const pending = this.nextSeq - this.sealedUpto;
        if (pending === 0 || (!all && pending < this.settings.batchMax)) break;
        const sealed = await this.sealOne();
        if (!sealed) break;
      }
      // Witnesses are asked outside the chain: a slow or down witness never delays sealing.
      if (this.treeSize > before) this.witnessing.kick();
      await this.archiveSealed();
      const behind = this.nextSeq > this.sealedUpto || this.archivedUpto < this.treeSize;
      if (behind && (await this.ctx.storage.getAlarm()) === null) {
        await this.ctx.storage.setAlarm(Date.now() + this.settings.batchMs);
      }
    });
    this.sealChain = run.catch(() => {});
    return run;
  }

  private async sealOne(): Promise<SealedBatch | null> {
    if (!this.log) return null;
    const signer = await this.getSigner();
    const sealed = await sealBatch(this.sql, this.tree, {
      origin: this.log.origin,
      batch: this.treeSize,
      firstSeq: this.sealedUpto,
      max: this.settings.batchMax,
      signer,
      commit: (write) => this.ctx.storage.transactionSync(write),
    });
    if (!sealed) return null;
    this.sealedUpto = sealed.firstSeq + sealed.count;
    this.treeSize = sealed.batch + 1;
    this.waiters = this.waiters.filter((w) => {
      if (w.upto > this.sealedUpto) return true;
      w.resolve();
      return false;
    });
    return sealed;
  }

  /**
   * Writes sealed batches not yet in R2, then lets bodies of batches older than the newest
   * `archiveKeepBatches` archived ones leave SQLite. An R2 failure leaves the work for the next
   * alarm; nothing is dropped from SQLite before its object is written.
   */
  private async archiveSealed(): Promise<void> {
    const bucket = this.env.ARCHIVE;
    if (!bucket || !this.log) return;
    while (this.archivedUpto < this.treeSize) {
      const n = this.archivedUpto;
      const batch = this.sql.exec<BatchRow>("SELECT first_seq, count, header FROM batches WHERE n = ?", n).one();
      try {
        await writeArchived(bucket, batchKey(this.log.tenant, this.log.shard, n), linesFromSqlite(this.sql, batch));
      } catch (err) {
        console.warn(`archiving batch ${n} of ${this.log.origin} failed; will retry`, err);
        return;
      }
      this.archivedUpto = n + 1;
      this.sql.exec("INSERT OR REPLACE INTO meta (k, v) VALUES ('archived_upto', ?)", this.archivedUpto);
    }
    // 0 keeps every body in SQLite too: offloading rewrites rows, so it is worth it only when
    // SQLite's space matters more than ingest throughput.
    const offloadTo = this.settings.archiveKeepBatches > 0 ? this.archivedUpto - this.settings.archiveKeepBatches : 0;
    if (offloadTo > this.offloadedBatches) {
      const end = this.sql.exec<{ e: number }>("SELECT first_seq + count AS e FROM batches WHERE n = ?", offloadTo - 1).one().e;
      this.ctx.storage.transactionSync(() => {
        this.sql.exec("UPDATE events SET body = NULL WHERE seq >= ? AND seq < ? AND body IS NOT NULL", this.offloadedSeq, end);
        this.sql.exec("INSERT OR REPLACE INTO meta (k, v) VALUES ('offloaded_seq', ?), ('offloaded_batches', ?)", end, offloadTo);
      });
      this.offloadedSeq = end;
      this.offloadedBatches = offloadTo;
    }
  }

  /** The batch holding `seq`, for reading archived bodies. */
  private batchOf(seq: number): ({ n: number } & BatchRow) | null {
    return (
      this.sql
        .exec<{ n: number } & BatchRow>(
          "SELECT n, first_seq, count, header FROM batches WHERE first_seq <= ? ORDER BY first_seq DESC LIMIT 1",
          seq,
        )
        .toArray()[0] ?? null
    );
  }

  private sealedThrough(upto: number): Promise<void> {
    if (upto <= this.sealedUpto) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ upto, resolve }));
  }

  private locate(seq: number): { batch?: number; leaf_index?: number } {
    const row = this.sql
      .exec<{ n: number; first_seq: number }>("SELECT n, first_seq FROM batches WHERE first_seq <= ? ORDER BY first_seq DESC LIMIT 1", seq)
      .toArray()[0];
    return row ? { batch: row.n, leaf_index: seq - row.first_seq } : {};
  }

  private async getSigner(): Promise<NoteSigner> {
    if (this.signer && this.log && this.signer.name === this.log.origin) return this.signer;
    const secret = this.env.EDGELOG_SIGNING_KEY;
    if (typeof secret !== "string" || secret.length === 0) {
      throw new Error("EDGELOG_SIGNING_KEY is not set: the log cannot sign checkpoints");
    }
    this.signer = await signerFromSeed(this.log!.origin, parseSigningKey(secret));
    return this.signer;
  }

  // ---- reads ----

  /** Stats over events received in a time range (see shardStats). */
  async stats(range: { since?: number; until?: number }, group: { exact: ExactGroup } | { pointer: string } | null): Promise<ShardStats> {
    const stats = shardStats(this.sql, this.nextSeq, range, group);
    if (group && "pointer" in group && this.env.ARCHIVE && this.log && stats.range.lo < this.offloadedSeq) {
      await this.addArchivedEstimates(stats, group.pointer);
    }
    return stats;
  }

  /**
   * Bodies that left SQLite still count in estimates: read them from their batch objects.
   * Precondition: `stats` was computed from SQLite for the same range.
   */
  private async addArchivedEstimates(stats: ShardStats, pointer: string): Promise<void> {
    const { lo } = stats.range;
    const hi = Math.min(stats.range.hi, this.offloadedSeq);
    const parsed = parsePointer(pointer);
    const groups = new Map((stats.estimated ?? []).map((g) => [String(g.key), { ...g }]));
    const batches = this.sql
      .exec<{ n: number; first_seq: number; count: number }>(
        "SELECT n, first_seq, count FROM batches WHERE first_seq < ? AND first_seq + count > ? ORDER BY n",
        hi,
        lo,
      )
      .toArray();
    let found = 0;
    for (const b of batches) {
      const lines = await readArchived(this.env.ARCHIVE, batchKey(this.log!.tenant, this.log!.shard, b.n));
      if (!lines) continue;
      for (let i = 1; i < lines.length; i++) {
        const seq = b.first_seq + i - 1;
        if (seq < lo || seq >= hi) continue;
        const line = JSON.parse(lines[i]!) as { envelope: Envelope; event: unknown };
        const env = line.envelope;
        if (line.event === null || env.retained !== "body" || env.tier === "lightweight") continue;
        found++;
        const w = env.sample?.adjusted_count ?? 1;
        const key = sqliteKey(resolvePointer(line.event, parsed));
        const g = groups.get(String(key)) ?? { key, weight: 0, variance: 0, observed: 0 };
        g.weight += w;
        g.variance += w * (w - 1);
        g.observed++;
        groups.set(String(key), g);
      }
    }
    stats.estimated = [...groups.values()].sort((a, b) => b.weight - a.weight);
    stats.unavailable = Math.max(0, stats.unavailable - found);
  }

  /** A/B exposure totals per (experiment, variant) from the aggregates kept at append. */
  experiments(query: ExperimentQuery): VariantTotals[] {
    return experimentTotals(this.sql, query);
  }

  /** One page of events matching `filter` from seq `from` (see queryEvents). */
  query(filter: EventFilter, from: number, limit: number, withBody: boolean): QueryPage {
    return queryEvents(this.sql, filter, from, limit, QUERY_SCAN_MAX, this.nextSeq, withBody);
  }

  /** Which of `ids` this shard holds (for duplicate checks across routing generations). */
  findEvents(ids: string[]): Array<{ id: string; seq: number; tier: Tier }> {
    return [...findExisting(this.sql, ids)].map(([id, e]) => ({ id, seq: e.seq, tier: e.tier }));
  }

  info(): LogInfo | null {
    if (!this.log) return null;
    return { origin: this.log.origin, size: this.treeSize, events: this.nextSeq, pending: this.nextSeq - this.sealedUpto };
  }

  /** An event with its envelope, retained body (from R2 once offloaded) and, once sealed, its proof. */
  async getEvent(id: string): Promise<EventRecord | null> {
    if (!this.log) return null;
    const record = buildEventProof(this.sql, this.tree, id, this.sealedUpto, this.treeSize);
    if (record?.proof) record.proof.checkpoint = withCosignatures(this.sql, record.proof.tree_size, record.proof.checkpoint);
    if (!record || record.body !== null || record.erased || record.envelope.seq >= this.offloadedSeq || !this.env.ARCHIVE) {
      return record;
    }
    const batch = this.batchOf(record.envelope.seq)!;
    const lines = await readArchived(this.env.ARCHIVE, batchKey(this.log.tenant, this.log.shard, batch.n));
    const line = lines?.[record.envelope.seq - batch.first_seq + 1];
    if (line) {
      const event = (JSON.parse(line) as { event: unknown }).event;
      record.body = event === null ? null : JSON.stringify(event);
    }
    return record;
  }

  /** The latest checkpoint with its size and root, for the tenant head. */
  checkpointSummary(): { size: number; root: string; checkpoint: string } | null {
    const row = this.sql
      .exec<{ size: number; root: ArrayBuffer; note: string }>("SELECT size, root, note FROM checkpoints ORDER BY size DESC LIMIT 1")
      .toArray()[0];
    return row ? { size: row.size, root: toHex(new Uint8Array(row.root)), checkpoint: row.note } : null;
  }

  /** The latest checkpoint, with the witnesses' cosignatures on it appended. */
  latestCheckpoint(): string | null {
    const row = this.sql.exec<{ size: number; note: string }>("SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1").toArray()[0];
    return row ? withCosignatures(this.sql, row.size, row.note) : null;
  }

  /** A C2SP tlog-tiles hash tile or entry bundle (see tiles.ts). */
  tile(tile: TileRef): TileAnswer {
    return readTile(this.sql, tile, this.treeSize);
  }

  /** Batch `n`'s canonical envelopes as one bundle, or null while it is not sealed. */
  envelopeBundle(n: number): Uint8Array | null {
    return readEnvelopeBundle(this.sql, n);
  }

  /** The tenant's witness list changed: reload it and bring the witnesses up to date. */
  refreshWitnesses(): void {
    this.witnessing.refresh();
  }

  /** Each witness's progress: the size it last cosigned and the last answer. */
  witnessStatus(): WitnessStatus[] {
    return this.witnessing.status();
  }

  async verifierKey(): Promise<string | null> {
    if (!this.log) return null;
    const signer = await this.getSigner();
    return formatVerifierKey(signer.name, signer.publicKey);
  }

  consistency(from: number, to: number): ConsistencyResult {
    return buildConsistency(this.tree, from, to, this.treeSize);
  }

  /**
   * Lines of the batch export: the header, then each envelope with its retained body. Batches
   * whose bodies left SQLite are served from their R2 object.
   */
  async batchLines(n: number): Promise<string[] | null> {
    const batch = this.sql.exec<BatchRow>("SELECT first_seq, count, header FROM batches WHERE n = ?", n).toArray()[0];
    if (!batch) return null;
    if (n < this.offloadedBatches && this.env.ARCHIVE && this.log) {
      const lines = await readArchived(this.env.ARCHIVE, batchKey(this.log.tenant, this.log.shard, n));
      if (lines) return lines;
    }
    return linesFromSqlite(this.sql, batch);
  }
}

import { DurableObject } from "cloudflare:workers";
import { sealBatch, type SealedBatch } from "./seal";
import { appendEvents, findExisting } from "./append";
import { queryEvents, type EventFilter, type QueryPage } from "./query";

/** Sequence numbers one query page may examine per shard (bounds the cost of a selective filter). */
export const QUERY_SCAN_MAX = 10_000;
import { SHARD_SCHEMA } from "./schema";
import { TreeStore } from "./tree-store";
import { buildEventProof, buildConsistency, type EventRecord, type ConsistencyResult } from "./read";
import { signerFromSeed, parseSigningKey, formatVerifierKey, type NoteSigner } from "../core/note";
import { applyRetention, eraseBody, RETENTION_SWEEP_MS, type Erasure } from "./retention";
import { fromHex, toHex } from "../core/bytes";
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
  private settings: ShardSettings = { batchMax: 256, batchMs: 250, retentionDays: 0, maxPending: 50_000 };
  private retentionUpto = 0;
  private nextSeq = 0;
  private sealedUpto = 0;
  private treeSize = 0;
  private sealChain: Promise<unknown> = Promise.resolve();
  private waiters: Waiter[] = [];
  private signer: NoteSigner | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.tree = new TreeStore(this.sql);
    this.sql.exec(SHARD_SCHEMA);
    const meta = new Map(this.sql.exec<{ k: string; v: string | number }>("SELECT k, v FROM meta").toArray().map((r) => [r.k, r.v]));
    if (typeof meta.get("log") === "string") this.log = JSON.parse(meta.get("log") as string) as LogRef;
    if (typeof meta.get("settings") === "string") this.settings = JSON.parse(meta.get("settings") as string) as ShardSettings;
    this.nextSeq = Number(this.sql.exec<{ n: number | null }>("SELECT MAX(seq) + 1 AS n FROM events").one().n ?? 0);
    this.sealedUpto = Number(meta.get("sealed_upto") ?? 0);
    this.treeSize = Number(meta.get("tree_size") ?? 0);
    this.retentionUpto = Number(meta.get("retention_upto") ?? 0);
    // Resume sealing after an eviction or crash: acknowledged events must not stay pending.
    if (this.nextSeq > this.sealedUpto) {
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
      this.settings.retentionDays !== settings.retentionDays;
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
    const { results, nextSeq } = this.ctx.storage.transactionSync(() =>
      appendEvents(this.sql, log, events, new Date(), this.nextSeq),
    );
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
    if (this.settings.retentionDays > 0) {
      this.sweepRetention(new Date());
      const next = await this.ctx.storage.getAlarm();
      if (next === null || next > Date.now() + RETENTION_SWEEP_MS) await this.ctx.storage.setAlarm(Date.now() + RETENTION_SWEEP_MS);
    }
  }

  /** Removes bodies older than the retention period as of `now` (the alarm passes the clock). */
  sweepRetention(now: Date): number {
    this.retentionUpto = this.ctx.storage.transactionSync(() =>
      applyRetention(this.sql, this.settings.retentionDays, now, this.retentionUpto),
    );
    return this.retentionUpto;
  }

  /** Erases the retained body of event `id`; its envelope and proof stay valid. */
  eraseEventBody(id: string, reason: string): { found: boolean; erased: Erasure | null } {
    let idBytes: Uint8Array;
    try {
      idBytes = fromHex(id);
    } catch {
      return { found: false, erased: null };
    }
    const row = this.sql.exec<{ seq: number }>("SELECT seq FROM events WHERE id = ?", idBytes).toArray()[0];
    if (!row) return { found: false, erased: null };
    const erased = this.ctx.storage.transactionSync(() => eraseBody(this.sql, row.seq, reason, new Date()));
    return { found: true, erased };
  }

  /**
   * Seals pending events into batches of at most batchMax. With `all` false only full batches
   * are sealed (the size trigger); the alarm seals everything (the time trigger). Seals are
   * chained so two never interleave around the signing await.
   */
  private sealPending(all: boolean): Promise<void> {
    const run = this.sealChain.then(async () => {
      for (;;) {
        const pending = this.nextSeq - this.sealedUpto;
        if (pending === 0 || (!all && pending < this.settings.batchMax)) break;
        const sealed = await this.sealOne();
        if (!sealed) break;
      }
      if (this.nextSeq > this.sealedUpto && (await this.ctx.storage.getAlarm()) === null) {
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

  /** An event with its envelope, retained body and (once sealed) its proof. */
  getEvent(id: string): EventRecord | null {
    if (!this.log) return null;
    return buildEventProof(this.sql, this.tree, id, this.sealedUpto, this.treeSize);
  }

  /** The latest checkpoint with its size and root, for the tenant head. */
  checkpointSummary(): { size: number; root: string; checkpoint: string } | null {
    const row = this.sql
      .exec<{ size: number; root: ArrayBuffer; note: string }>("SELECT size, root, note FROM checkpoints ORDER BY size DESC LIMIT 1")
      .toArray()[0];
    return row ? { size: row.size, root: toHex(new Uint8Array(row.root)), checkpoint: row.note } : null;
  }

  latestCheckpoint(): string | null {
    const row = this.sql.exec<{ note: string }>("SELECT note FROM checkpoints ORDER BY size DESC LIMIT 1").toArray()[0];
    return row?.note ?? null;
  }

  async verifierKey(): Promise<string | null> {
    if (!this.log) return null;
    const signer = await this.getSigner();
    return formatVerifierKey(signer.name, signer.publicKey);
  }

  consistency(from: number, to: number): ConsistencyResult {
    return buildConsistency(this.tree, from, to, this.treeSize);
  }

  /** Lines of the batch export: the header, then each envelope with its retained body. */
  batchLines(n: number): string[] | null {
    const batch = this.sql
      .exec<{ first_seq: number; count: number; header: string }>("SELECT first_seq, count, header FROM batches WHERE n = ?", n)
      .toArray()[0];
    if (!batch) return null;
    const lines = [batch.header];
    const rows = this.sql.exec<{ seq: number; envelope: string; body: string | null }>(
      "SELECT seq, envelope, body FROM events WHERE seq >= ? AND seq < ? ORDER BY seq",
      batch.first_seq,
      batch.first_seq + batch.count,
    );
    for (const r of rows) lines.push(`{"envelope":${r.envelope},"event":${r.body ?? "null"}}`);
    return lines;
  }
}

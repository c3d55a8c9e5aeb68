import { DurableObject } from "cloudflare:workers";
import { sealBatch, type SealedBatch } from "./seal";
import { appendEvents } from "./append";
import { findIds, pendingStored, readStored, seqOfId, type Stored } from "./event-ids";
import { queryEvents, type EventFilter, type QueryPage, type ShardPosition } from "./query";
import { shardStats, type ExactGroup, type ShardStats } from "./stats";
import {
  EXPERIMENT_SCHEMA,
  experimentTotals,
  recordExposures,
  type ExperimentQuery,
  type VariantTotals,
} from "./experiments";
import { PRODUCER_SCHEMA, SHARD_SCHEMA } from "./schema";
import { TreeStore } from "./tree-store";
import { buildEventProof, buildConsistency, type EventRecord, type ConsistencyResult } from "./read";
import { signerFromSeed, parseSigningKey, formatVerifierKey, type NoteSigner } from "../core/note";
import {
  adjustBatchStats,
  expiredBatches,
  isErased,
  recordErasure,
  RETENTION_SWEEP_MS,
  stripBodies,
  type Erasure,
} from "./retention";
import { archiveBucketFor, batchKey, readArchived, writeArchived } from "./archive";
import { ArchivedBundles, ArchiveUnavailableError, type ArchiveLocation } from "./archived-bundles";
import { FullLines } from "./full-lines";
import { DEFAULT_ARCHIVE_KEEP_BATCHES } from "./types";
import {
  encodeBundle,
  exportWithoutBodies,
  gunzip,
  gzip,
  joinLines,
  splitLine,
  splitLines,
  type DecodedBundle,
} from "./bundle";
import { batchOf, batchRow, bundleBytes, EventLines, sliceOf } from "./lines";
import { latestCheckpoint } from "./log-records";
import { loadMeta, saveMeta, type ShardMeta } from "./meta";
import { toHex } from "../core/bytes";
import type { EventFacts } from "./facts";
import { envelopeBundleOf, readTile, TILES_SCHEMA, withCosignatures, type TileAnswer } from "./tiles";
import { shardWitnessing, type Witnessing, type WitnessStatus } from "./witnessing";
import type { TileRef } from "../core/tiles";
import type {
  AppendOptions,
  AppendResult,
  LogRef,
  Overloaded,
  PreparedEvent,
  ShardSettings,
  Tier,
} from "./types";

/** Sequence numbers one query page may examine per shard (bounds the cost of a selective filter). */
export const QUERY_SCAN_MAX = 10_000;

const DEFAULT_SETTINGS: ShardSettings = {
  batchMax: 256,
  batchMs: 250,
  retentionDays: 0,
  maxPending: 50_000,
  archiveKeepBatches: DEFAULT_ARCHIVE_KEEP_BATCHES,
};

interface Waiter {
  upto: number;
  resolve: () => void;
}

/** Where a log stands (the Worker adds the log's number to make the protocol's LogInfo). */
export interface ShardProgress {
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
 * sealing turns pending slices into a batch bundle with a signed checkpoint. Storage layout:
 * schema.ts and the README's Storage section.
 */
/**
 * Shortest time between two seals a `?wait=sealed` request asks for (README: settings, BATCH_MS):
 * a waiting request is answered within this of its arrival (plus the seal), and a stream of them
 * makes at most 1000 / WAITER_SEAL_GAP_MS batches a second beyond the size trigger.
 */
export const WAITER_SEAL_GAP_MS = 50;

export class LogShard extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly tree: TreeStore;
  private readonly lines: EventLines;
  /** Offloaded bodies, read back from R2 (cached per object), and lines with bodies wherever they are. */
  private readonly archived: ArchivedBundles;
  private readonly full: FullLines;
  private readonly meta: ShardMeta | null = null;
  /** Set when the database has another storage layout: every call answers it. */
  private readonly layoutError: Error | null = null;
  private nextSeq = 0;
  /** Seals, archiving, erasures and retention sweeps rewrite bundles: they run one at a time, in order. */
  private writeChain: Promise<unknown> = Promise.resolve();
  private waiters: Waiter[] = [];
  /** When this object last sealed a batch (ms), and the timer of a waiter's pending seal. */
  private lastSealAt = 0;
  private waiterSeal: ReturnType<typeof setTimeout> | null = null;
  private signer: NoteSigner | null = null;
  private readonly witnessing: Witnessing;
  /** Set once the missing archive binding of this log's jurisdiction has been logged. */
  private archiveRefusalLogged = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.tree = new TreeStore(this.sql);
    this.lines = new EventLines(this.sql);
    this.archived = new ArchivedBundles((n) => this.archiveLocation(n));
    this.full = new FullLines(this.sql, this.lines, this.archived);
    this.witnessing = shardWitnessing(ctx, env, this.tree.getNode, () => this.meta?.log?.tenant ?? null);
    this.sql.exec("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v) WITHOUT ROWID");
    try {
      this.meta = loadMeta(this.sql, (work) => ctx.storage.transactionSync(work));
    } catch (err) {
      this.layoutError = err as Error;
      return;
    }
    this.sql.exec(SHARD_SCHEMA);
    this.sql.exec(PRODUCER_SCHEMA);
    this.sql.exec(TILES_SCHEMA);
    this.sql.exec(EXPERIMENT_SCHEMA);
    const last = this.sql
      .exec<{ e: number }>("SELECT first_seq + count AS e FROM slices ORDER BY first_seq DESC LIMIT 1")
      .toArray()[0];
    this.nextSeq = last?.e ?? this.meta.sealedUpto;
    // Resume sealing (and archiving) after an eviction or crash: acknowledged events must not
    // stay pending.
    if (this.nextSeq > this.meta.sealedUpto || this.meta.archivedUpto < this.meta.treeSize) {
      ctx.blockConcurrencyWhile(async () => {
        if ((await ctx.storage.getAlarm()) === null) await ctx.storage.setAlarm(Date.now());
      });
    }
  }

  /** The metadata; throws the layout error when the database cannot be read by this code. */
  private get m(): ShardMeta {
    if (this.layoutError || !this.meta) throw this.layoutError ?? new Error("shard metadata not loaded");
    return this.meta;
  }

  private get settings(): ShardSettings {
    return this.m.settings ?? DEFAULT_SETTINGS;
  }

  private get position(): ShardPosition {
    return { size: this.nextSeq, sealedUpto: this.m.sealedUpto, treeSize: this.m.treeSize };
  }

  private bind(log: LogRef, settings: ShardSettings): void {
    const m = this.m;
    if (
      m.log &&
      (m.log.origin !== log.origin ||
        m.log.tenant !== log.tenant ||
        m.log.shard !== log.shard ||
        (m.log.jurisdiction ?? null) !== (log.jurisdiction ?? null))
    ) {
      throw new Error(`shard holds log ${m.log.origin}, asked for ${log.origin}`);
    }
    const s = m.settings;
    const changed =
      !s ||
      s.batchMax !== settings.batchMax ||
      s.batchMs !== settings.batchMs ||
      s.retentionDays !== settings.retentionDays ||
      s.maxPending !== settings.maxPending ||
      s.archiveKeepBatches !== settings.archiveKeepBatches;
    if (!m.log || changed) {
      m.log = log;
      m.settings = settings;
      saveMeta(this.sql, { log, settings });
    }
  }

  /** Seals what is pending now, or once WAITER_SEAL_GAP_MS have passed since the last seal. */
  private sealSoon(): void {
    if (this.waiterSeal !== null) return;
    const wait = this.lastSealAt + WAITER_SEAL_GAP_MS - Date.now();
    if (wait <= 0) {
      this.sealPending(true).catch(() => {});
      return;
    }
    this.waiterSeal = setTimeout(() => {
      this.waiterSeal = null;
      this.sealPending(true).catch(() => {});
    }, wait);
  }

  /** Runs `work` after every earlier bundle writer has finished. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.writeChain.then(work);
    this.writeChain = run.catch(() => {});
    return run;
  }

  /** Sequences events durably as one slice; see appendEvents for duplicate and conflict rules. */
  async append(
    log: LogRef,
    settings: ShardSettings,
    events: PreparedEvent[],
    options: AppendOptions,
  ): Promise<AppendResult[] | Overloaded> {
    this.bind(log, settings);
    const backlog = this.nextSeq - this.m.sealedUpto;
    if (backlog >= this.settings.maxPending) {
      // Sealing is behind (e.g. signing fails): refuse rather than grow an unsealed backlog.
      this.sealPending(true).catch(() => {});
      return { overloaded: true, pending: backlog, retryAfterMs: Math.max(1000, this.settings.batchMs * 4) };
    }
    const receivedAt = new Date();
    // Id index rows are candidates confirmed by their envelopes (event-ids.ts): a pending one is
    // read inside the transaction; a sealed one needs its bundle decoded first, so the
    // transaction names what it could not confirm and runs again once those are read.
    const confirmed = new Map<number, Stored>();
    let appended: Exclude<ReturnType<typeof appendEvents>, { unresolved: number[] }> | null = null;
    while (appended === null) {
      const sealedUpto = this.m.sealedUpto;
      const resolve = (seq: number) => confirmed.get(seq) ?? pendingStored(this.sql, seq, sealedUpto);
      const out = this.ctx.storage.transactionSync(() => {
        const done = appendEvents(this.sql, log, events, receivedAt, this.nextSeq, resolve);
        if (!("unresolved" in done)) recordExposures(this.sql, events, done.results, receivedAt.getTime());
        return done;
      });
      if ("unresolved" in out) {
        for (const seq of out.unresolved)
          confirmed.set(seq, await readStored(this.lines, seq, this.m.sealedUpto));
      } else {
        appended = out;
      }
    }
    const { results, nextSeq } = appended;
    this.nextSeq = nextSeq;
    const pending = this.nextSeq - this.m.sealedUpto;
    if (options.waitSealed && pending > 0) {
      // A caller waiting for its proof gets it soon: what is pending is sealed at once, as a
      // smaller batch if need be, rather than after BATCH_MS or once BATCH_MAX events arrive —
      // but at most once per WAITER_SEAL_GAP_MS, so a stream of waiting requests shares batches
      // (each batch is a signature, tree nodes and an R2 write). The alarm stays the fallback
      // should this seal fail (e.g. signing is unavailable).
      if ((await this.ctx.storage.getAlarm()) === null)
        await this.ctx.storage.setAlarm(Date.now() + this.settings.batchMs);
      this.sealSoon();
    } else if (pending >= this.settings.batchMax) {
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
    if (this.layoutError) {
      // Retrying cannot help: say why once per wake-up and leave the database as it is.
      console.error(this.layoutError.message);
      return;
    }
    await this.sealPending(true);
    this.witnessing.kick();
    if (this.settings.retentionDays > 0) {
      await this.sweepRetention(new Date());
      const next = await this.ctx.storage.getAlarm();
      if (next === null || next > Date.now() + RETENTION_SWEEP_MS)
        await this.ctx.storage.setAlarm(Date.now() + RETENTION_SWEEP_MS);
    }
  }

  /**
   * Removes bodies of batches sealed more than the retention period before `now` (the alarm
   * passes the clock): one bundle rewrite per expired batch, in SQLite and in R2.
   */
  sweepRetention(now: Date): Promise<number> {
    return this.serial(async () => {
      const m = this.m;
      for (const n of expiredBatches(this.sql, this.settings.retentionDays, now, m.retentionUpto)) {
        const row = batchRow(this.sql, n)!;
        let stored: DecodedBundle;
        try {
          // The stats still count an offloaded batch's bodies: removing them needs those bodies.
          stored = (await this.full.batch(n))!;
        } catch (err) {
          if (!(err instanceof ArchiveUnavailableError)) throw err;
          console.warn(`retention sweep of ${m.log?.origin} stopped at batch ${n}; next sweep retries`, err);
          break;
        }
        const { lines, delta } = stripBodies(stored.lines, null);
        const bundle = await encodeBundle(stored.header, lines);
        if (n < m.archivedUpto) await this.putArchived(n, bundle);
        const upto = row.first_seq + row.count;
        this.ctx.storage.transactionSync(() => {
          this.sql.exec("UPDATE batches SET bundle = ? WHERE n = ?", bundle, n);
          adjustBatchStats(this.sql, n, delta);
          this.sql.exec(
            "INSERT OR REPLACE INTO retention_runs (upto_seq, at, days) VALUES (?, ?, ?)",
            upto,
            now.toISOString(),
            this.settings.retentionDays,
          );
          saveMeta(this.sql, { retentionUpto: upto });
        });
        this.lines.forget(n);
        this.archived.forget(n);
        m.retentionUpto = upto;
      }
      return m.retentionUpto;
    });
  }

  /** Erases the retained body of event `id` (in SQLite and in R2); its envelope and proof stay valid. */
  eraseEventBody(id: string, reason: string): Promise<{ found: boolean; erased: Erasure | null }> {
    return this.serial(async () => {
      const seq = await seqOfId(this.sql, this.lines, id, this.m.sealedUpto);
      if (seq === null) return { found: false, erased: null };
      if (isErased(this.sql, seq)) return { found: true, erased: null };
      const erasure: Erasure = { at: new Date().toISOString(), reason };
      if (seq >= this.m.sealedUpto) {
        const slice = sliceOf(this.sql, seq)!;
        const i = seq - slice.first_seq;
        const lines = splitLines(slice.lines);
        const body = splitLine(lines[i]!).body;
        if (body === null) return { found: true, erased: null };
        const stripped = stripBodies(lines, [i]).lines;
        const facts = JSON.parse(slice.facts) as EventFacts[];
        facts[i] = { ...facts[i]!, decisionType: null, logicType: null, output: null, hasBody: false };
        this.ctx.storage.transactionSync(() => {
          this.sql.exec(
            "UPDATE slices SET lines = ?, facts = ? WHERE first_seq = ?",
            joinLines(stripped),
            JSON.stringify(facts),
            slice.first_seq,
          );
          recordErasure(this.sql, seq, erasure, body);
        });
        return { found: true, erased: erasure };
      }
      const row = batchOf(this.sql, seq)!;
      const i = seq - row.first_seq;
      const offloaded = row.bodies === "offloaded";
      // Offloaded: from R2, or an ArchiveUnavailableError (503) and nothing changes.
      const full = (await this.full.batch(row.n))!;
      const body = splitLine(full.lines[i]!).body;
      if (body === null) return { found: true, erased: null };
      const { lines, delta } = stripBodies(full.lines, [i]);
      const bundle = await encodeBundle(full.header, lines);
      // R2 first: if SQLite's write then fails, the retry finds the body in SQLite and erases
      // it; the other order could leave the body in R2 with the erasure recorded.
      if (row.n < this.m.archivedUpto) await this.putArchived(row.n, bundle);
      this.ctx.storage.transactionSync(() => {
        if (!offloaded) this.sql.exec("UPDATE batches SET bundle = ? WHERE n = ?", bundle, row.n);
        adjustBatchStats(this.sql, row.n, delta);
        recordErasure(this.sql, seq, erasure, body);
      });
      this.lines.forget(row.n);
      this.archived.forget(row.n);
      return { found: true, erased: erasure };
    });
  }

  /**
   * Seals pending events into batches of at most batchMax. With `all` false only full batches
   * are sealed (the size trigger); the alarm seals everything (the time trigger).
   */
  private sealPending(all: boolean): Promise<void> {
    return this.serial(async () => {
      const before = this.m.treeSize;
      // Bundles sealed by this task, as stored: nothing else rewrites a bundle until it ends
      // (bundle writers run one at a time), so archiving them uploads these bytes without a read.
      const sealedBundles = new Map<number, Uint8Array>();
      for (;;) {
        const pending = this.nextSeq - this.m.sealedUpto;
        if (pending === 0 || (!all && pending < this.settings.batchMax)) break;
        const sealed = await this.sealOne();
        if (!sealed) break;
        sealedBundles.set(sealed.batch, sealed.bundle);
      }
      // Witnesses are asked outside the chain: a slow or down witness never delays sealing.
      if (this.m.treeSize > before) this.witnessing.kick();
      await this.archiveSealed(sealedBundles);
      // Archiving is behind only where there is a bucket to archive to: without one, waking up
      // every batchMs would not help (archive.ts; the missing binding was logged).
      const unarchived = this.m.archivedUpto < this.m.treeSize && this.archiveBucket() !== null;
      const behind = this.nextSeq > this.m.sealedUpto || unarchived;
      if (behind && (await this.ctx.storage.getAlarm()) === null) {
        await this.ctx.storage.setAlarm(Date.now() + this.settings.batchMs);
      }
    });
  }

  private async sealOne(): Promise<SealedBatch | null> {
    const m = this.m;
    if (!m.log) return null;
    const signer = await this.getSigner();
    const sealed = await sealBatch(this.sql, this.tree, {
      origin: m.log.origin,
      batch: m.treeSize,
      firstSeq: m.sealedUpto,
      max: this.settings.batchMax,
      signer,
      commit: (write) => this.ctx.storage.transactionSync(write),
    });
    if (!sealed) return null;
    m.sealedUpto = sealed.firstSeq + sealed.count;
    m.treeSize = sealed.batch + 1;
    this.lastSealAt = Date.now();
    this.waiters = this.waiters.filter((w) => {
      if (w.upto > m.sealedUpto) return true;
      w.resolve();
      return false;
    });
    return sealed;
  }

  /**
   * The bucket this log archives to: its jurisdiction's (archive.ts), or null when there is
   * none. A jurisdiction log whose binding is missing is not archived (its batches stay in
   * SQLite, nothing goes to the default bucket); the error is logged once per wake-up.
   */
  private archiveBucket(): R2Bucket | null {
    const log = this.m.log;
    if (!log) return null;
    const choice = archiveBucketFor(this.env as unknown as Record<string, unknown>, log.jurisdiction ?? null);
    if (choice.kind === "bucket") return choice.bucket;
    if (choice.kind === "missing" && !this.archiveRefusalLogged) {
      this.archiveRefusalLogged = true;
      console.error(`not archiving ${log.origin}: ${choice.message}; its batches stay in SQLite`);
    }
    return null;
  }

  private async putArchived(n: number, bundle: Uint8Array): Promise<void> {
    const log = this.m.log!;
    const bucket = this.archiveBucket();
    // Only batches below archivedUpto are rewritten, so a bucket existed; refuse rather than skip.
    if (!bucket)
      throw new Error(`cannot rewrite archived batch ${n} of ${log.origin}: its archive bucket is not bound`);
    await writeArchived(bucket, batchKey(log.tenant, log.shard, n), bundle);
  }

  /** Where batch `n`'s archived object is read from, or why it cannot be. */
  private archiveLocation(n: number): ArchiveLocation {
    const log = this.m.log;
    if (!log) return { missing: "the shard holds no log", origin: "(none)" };
    const choice = archiveBucketFor(this.env as unknown as Record<string, unknown>, log.jurisdiction ?? null);
    if (choice.kind === "bucket")
      return { bucket: choice.bucket, key: batchKey(log.tenant, log.shard, n), origin: log.origin };
    const missing = choice.kind === "none" ? "no R2 binding ARCHIVE in this deployment" : choice.message;
    return { missing, origin: log.origin };
  }

  /**
   * Uploads sealed bundles not yet in R2, as stored; then lets bodies of batches older than the
   * newest `archiveKeepBatches` archived ones leave SQLite (one bundle rewrite each: the bundle
   * keeps the envelopes). An R2 failure leaves the work for the next alarm; nothing leaves
   * SQLite before its object is written. The new archived position is saved in the first
   * offloading transaction (one commit less per batch), or on its own when nothing is
   * offloaded or offloading fails: until then a restart would only upload the same bytes again.
   * `sealedBundles`: the stored bytes of batches the calling task has just sealed, by batch.
   */
  private async archiveSealed(sealedBundles: ReadonlyMap<number, Uint8Array>): Promise<void> {
    const m = this.m;
    if (!m.log || !this.archiveBucket()) return;
    let unsaved = false;
    try {
      while (m.archivedUpto < m.treeSize) {
        const n = m.archivedUpto;
        try {
          await this.putArchived(n, sealedBundles.get(n) ?? bundleBytes(this.sql, n)!);
        } catch (err) {
          console.warn(`archiving batch ${n} of ${m.log.origin} failed; will retry`, err);
          return;
        }
        m.archivedUpto = n + 1;
        unsaved = true;
      }
      const offloadTo =
        this.settings.archiveKeepBatches > 0 ? m.archivedUpto - this.settings.archiveKeepBatches : 0;
      while (m.offloadedBatches < offloadTo) {
        const n = m.offloadedBatches;
        // The stats keep counting offloaded bodies (they are still held, in R2), so only the text
        // changes: the stored export, decoded as is, with each line's body replaced by null.
        const bundle = await gzip(exportWithoutBodies(await gunzip(bundleBytes(this.sql, n)!)));
        this.ctx.storage.transactionSync(() => {
          this.sql.exec("UPDATE batches SET bundle = ?, bodies = 'offloaded' WHERE n = ?", bundle, n);
          saveMeta(this.sql, {
            offloadedBatches: n + 1,
            ...(unsaved ? { archivedUpto: m.archivedUpto } : {}),
          });
        });
        unsaved = false;
        this.lines.forget(n);
        m.offloadedBatches = n + 1;
      }
    } finally {
      if (unsaved) saveMeta(this.sql, { archivedUpto: m.archivedUpto });
    }
  }

  private sealedThrough(upto: number): Promise<void> {
    if (upto <= this.m.sealedUpto) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ upto, resolve }));
  }

  private locate(seq: number): { batch?: number; leaf_index?: number } {
    const row = batchOf(this.sql, seq);
    return row && seq < row.first_seq + row.count ? { batch: row.n, leaf_index: seq - row.first_seq } : {};
  }

  private async getSigner(): Promise<NoteSigner> {
    const log = this.m.log;
    if (this.signer && log && this.signer.name === log.origin) return this.signer;
    const secret = this.env.EDGELOG_SIGNING_KEY;
    if (typeof secret !== "string" || secret.length === 0) {
      throw new Error("EDGELOG_SIGNING_KEY is not set: the log cannot sign checkpoints");
    }
    this.signer = await signerFromSeed(log!.origin, parseSigningKey(secret));
    return this.signer;
  }

  // ---- reads ----

  /** Stats over events received in a time range (see shardStats). */
  async stats(
    range: { since?: number; until?: number },
    group: { exact: ExactGroup } | { pointer: string } | null,
  ): Promise<ShardStats> {
    return shardStats({ sql: this.sql, lines: this.lines, full: this.full, at: this.position }, range, group);
  }

  /** A/B exposure totals per (experiment, variant) from the aggregates kept at append. */
  experiments(query: ExperimentQuery): VariantTotals[] {
    return experimentTotals(this.sql, query);
  }

  /** One page of events matching `filter` from seq `from` (see queryEvents). */
  query(filter: EventFilter, from: number, limit: number, withBody: boolean): Promise<QueryPage> {
    return queryEvents(
      this.sql,
      this.lines,
      this.full,
      filter,
      from,
      limit,
      QUERY_SCAN_MAX,
      this.position,
      withBody,
    );
  }

  /** Which of `ids` this shard holds (for duplicate checks across routing generations). */
  async findEvents(ids: string[]): Promise<Array<{ id: string; seq: number; tier: Tier }>> {
    const found = await findIds(this.sql, this.lines, ids, this.m.sealedUpto);
    return [...found].map(([id, e]) => ({ id, seq: e.seq, tier: e.tier }));
  }

  info(): ShardProgress | null {
    const m = this.m;
    if (!m.log) return null;
    return {
      origin: m.log.origin,
      size: m.treeSize,
      events: this.nextSeq,
      pending: this.nextSeq - m.sealedUpto,
    };
  }

  /** An event with its envelope, retained body (from R2 once offloaded) and, once sealed, its proof. */
  async getEvent(id: string): Promise<EventRecord | null> {
    const m = this.m;
    if (!m.log) return null;
    const record = await buildEventProof(this.sql, this.tree, this.lines, id, m.sealedUpto, m.treeSize);
    if (record?.proof)
      record.proof.checkpoint = withCosignatures(this.sql, record.proof.tree_size, record.proof.checkpoint);
    if (!record || record.body !== null || record.erased || record.envelope.seq >= m.sealedUpto)
      return record;
    const row = batchOf(this.sql, record.envelope.seq)!;
    if (row.bodies !== "offloaded") return record;
    // From R2, or an ArchiveUnavailableError: never an answer that looks like an erased body.
    const line = (await this.full.line(record.envelope.seq, m.sealedUpto))!;
    record.body = splitLine(line).body;
    return record;
  }

  /** The latest checkpoint with its size and root, for the tenant head. */
  checkpointSummary(): { size: number; root: string; checkpoint: string } | null {
    void this.m;
    const cp = latestCheckpoint(this.sql);
    return cp ? { size: cp.size, root: toHex(cp.root), checkpoint: cp.note } : null;
  }

  /** The latest checkpoint, with the witnesses' cosignatures on it appended. */
  latestCheckpoint(): string | null {
    void this.m;
    const cp = latestCheckpoint(this.sql);
    return cp ? withCosignatures(this.sql, cp.size, cp.note) : null;
  }

  /** A C2SP tlog-tiles hash tile or entry bundle (see tiles.ts). */
  tile(tile: TileRef): TileAnswer {
    return readTile(this.sql, tile, this.m.treeSize);
  }

  /** Batch `n`'s canonical envelopes as one bundle, or null while it is not sealed. */
  async envelopeBundle(n: number): Promise<Uint8Array | null> {
    const batch = await this.lines.batch(n);
    return batch ? envelopeBundleOf(batch.lines) : null;
  }

  /** The tenant's witness list changed: reload it and bring the witnesses up to date. */
  refreshWitnesses(): void {
    this.witnessing.refresh();
  }

  /** Each configured witness with its key and progress: the size it last cosigned and the last answer. */
  witnessStatus(): Promise<WitnessStatus[]> {
    return this.witnessing.status();
  }

  async verifierKey(): Promise<string | null> {
    if (!this.m.log) return null;
    const signer = await this.getSigner();
    return formatVerifierKey(signer.name, signer.publicKey);
  }

  consistency(from: number, to: number): ConsistencyResult {
    return buildConsistency(this.tree, from, to, this.m.treeSize);
  }

  /**
   * The stored bundles of batches `from`, `from` + 1, … before `to` (each as `batchBundle`),
   * stopping once they hold `maxBytes` (at least one is returned), with the number of sealed
   * batches: a range export asks again from where this answer stopped. Nothing per event.
   */
  async batchBundles(
    from: number,
    to: number,
    maxBytes: number,
  ): Promise<{ sealed: number; bundles: Uint8Array[] }> {
    const sealed = this.m.treeSize;
    const bundles: Uint8Array[] = [];
    let bytes = 0;
    for (let n = from; n < Math.min(to, sealed) && (bundles.length === 0 || bytes < maxBytes); n++) {
      const bundle = await this.batchBundle(n);
      if (bundle === null) break;
      bundles.push(bundle);
      bytes += bundle.length;
    }
    return { sealed, bundles };
  }

  /**
   * Batch `n`'s export as stored: the gzip of its NDJSON (bundle.ts). Batches whose bodies
   * left SQLite are served from their R2 object, or ArchiveUnavailableError when R2 cannot give it.
   */
  async batchBundle(n: number): Promise<Uint8Array | null> {
    void this.m;
    const row = batchRow(this.sql, n);
    if (!row) return null;
    if (row.bodies !== "offloaded") return bundleBytes(this.sql, n);
    // The object's bytes as stored (not the cached decode): the export is the archived object.
    const where = this.archiveLocation(n);
    if ("missing" in where) throw new ArchiveUnavailableError(n, where.origin, where.missing);
    let archived: Uint8Array | null;
    try {
      archived = await readArchived(where.bucket, where.key);
    } catch (err) {
      throw new ArchiveUnavailableError(
        n,
        where.origin,
        `reading ${where.key} failed: ${(err as Error).message}`,
      );
    }
    if (!archived) throw new ArchiveUnavailableError(n, where.origin, `no object ${where.key}`);
    return archived;
  }
}

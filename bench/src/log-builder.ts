/**
 * Fills a LogShard's SQLite store with a large log through the shard's own write path
 * (`appendEvents`, then `sealBatch` with a real signer), without HTTP or validation, so the
 * proof figure reads exactly what production writes. Runs in Node (over node:sqlite) and in a
 * Durable Object (over ctx.storage.sql).
 */
import { toHex } from "../../src/core/bytes";
import { signerFromSeed, type NoteSigner } from "../../src/core/note";
import { appendEvents } from "../../src/shard/append";
import { pendingStored } from "../../src/shard/event-ids";
import { splitLine } from "../../src/shard/bundle";
import { EventLines } from "../../src/shard/lines";
import * as shardSchema from "../../src/shard/schema";
import { sealBatch } from "../../src/shard/seal";
import { TreeStore } from "../../src/shard/tree-store";
import type { LogRef, PreparedEvent, Tier } from "../../src/shard/types";

export const BENCH_LOG: LogRef = { tenant: "bench", shard: 0, origin: "edgelog.localhost/bench/0" };

export interface LogStore {
  sql: SqlStorage;
  /** Atomic write, as the Durable Object's transactionSync. */
  commit: <T>(write: () => T) => T;
}

export interface LogPosition {
  /** Events written so far (the next sequence number). */
  events: number;
  /** Sealed batches: the log tree size. */
  treeSize: number;
}

const TIER_CYCLE: readonly Tier[] = ["lightweight", "lightweight", "sampled", "full"];

/** Canonical JSON of a DES required-field projection (keys in RFC 8785 order). */
function projection(decisionId: string, seq: number): string {
  const at = new Date(Date.UTC(2026, 10, 1) + seq).toISOString();
  return (
    `{"decision_context":{"decision_id":"${decisionId}","decision_type":"credit_limit"},` +
    `"decision_logic":{"logic_type":"rule_based","output":"approve"},"human_override_record":{"override_occurred":false},` +
    `"schema_version":"0.3.0","temporal_metadata":{"event_timestamp":"${at}","evidence_tier":"lightweight",` +
    `"hash_chain":{"algorithm":"SHA-256","current_hash":"${"0".repeat(64)}","previous_hash":null},"sequence_number":0}}`
  );
}

export class LogBuilder {
  readonly tree: TreeStore;
  private signer: NoteSigner | null = null;
  position: LogPosition = { events: 0, treeSize: 0 };

  constructor(
    private readonly store: LogStore,
    private readonly batchSize: number,
  ) {
    // Every schema the shard module exports (tables, then per-feature tables), as the LogShard
    // constructor applies them.
    for (const [name, ddl] of Object.entries(shardSchema)) {
      if (name.endsWith("_SCHEMA") && typeof ddl === "string") store.sql.exec(ddl);
    }
    this.tree = new TreeStore(store.sql);
    const events =
      store.sql.exec<{ n: number | null }>("SELECT MAX(first_seq + count) AS n FROM batches").one().n ?? 0;
    const treeSize = store.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM batches").one().n;
    this.position = { events: Number(events), treeSize: Number(treeSize) };
  }

  /**
   * Appends and seals `batches` full batches of lightweight-shaped events: the retained content
   * is a projection of DES's required fields (about 330 bytes), as the shard keeps for most
   * events.
   */
  async addBatches(batches: number): Promise<LogPosition> {
    this.signer ??= await signerFromSeed(BENCH_LOG.origin, new Uint8Array(32).fill(7));
    const receivedAt = new Date(Date.UTC(2026, 10, 1));
    for (let b = 0; b < batches; b++) {
      const events: PreparedEvent[] = [];
      for (let i = 0; i < this.batchSize; i++) {
        const seq = this.position.events + i;
        const decisionId = `proof-bench-${seq}`;
        const tier = TIER_CYCLE[seq % TIER_CYCLE.length]!;
        events.push({
          index: i,
          id: toHex(crypto.getRandomValues(new Uint8Array(32))),
          decisionId,
          decisionType: "credit_limit",
          logicType: "rule_based",
          outputKey: '"approve"',
          sequenceNumber: 0,
          schemaVersion: "0.3.0",
          tier,
          declaredTier: tier,
          rule: null,
          sample: null,
          retained: "projection",
          body: projection(decisionId, seq),
          masked: [],
          producer: "bench",
          chain: { verdict: "unverified" },
          futureTimestamp: false,
        });
      }
      // Every pending event is in a slice; a sealed candidate (two random ids sharing their
      // first 48 bits) would need a bundle read, which this builder does not do.
      const sealedUpto = this.position.events;
      const appended = this.store.commit(() =>
        appendEvents(this.store.sql, BENCH_LOG, events, receivedAt, this.position.events, (seq) =>
          pendingStored(this.store.sql, seq, sealedUpto),
        ),
      );
      if ("unresolved" in appended)
        throw new Error(`random event ids met sealed id-index candidates ${appended.unresolved.join(", ")}`);
      const { nextSeq } = appended;
      const sealed = await sealBatch(this.store.sql, this.tree, {
        origin: BENCH_LOG.origin,
        batch: this.position.treeSize,
        firstSeq: this.position.events,
        max: this.batchSize,
        signer: this.signer,
        commit: (write) => this.store.commit(write),
      });
      if (!sealed || sealed.count !== this.batchSize)
        throw new Error(`sealing batch ${this.position.treeSize} failed`);
      this.position = { events: nextSeq, treeSize: sealed.batch + 1 };
    }
    return this.position;
  }

  /** Ids of `count` events drawn uniformly from the sealed log (read before any timing). */
  /**
   * `count` ids of events drawn uniformly (read before any timing). The id index keeps only a
   * key of each id, so the ids are read from the drawn events' envelopes.
   */
  async sampleIds(count: number): Promise<string[]> {
    const lines = new EventLines(this.store.sql);
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const seq = Math.floor(Math.random() * this.position.events);
      const line = await lines.line(seq, this.position.events);
      if (line === null) throw new Error(`the bench log has no event at seq ${seq}`);
      ids.push((JSON.parse(splitLine(line).envelope) as { id: string }).id);
    }
    return ids;
  }
}

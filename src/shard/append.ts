import { fromHex, toHex } from "../core/bytes";
import type { ChainVerdict } from "../core/des-chain";
import { envelopeJson } from "./envelope-json";
import { advance, loadProducers, saveProducers } from "./producers";
import { MAX_BOUND_PARAMS } from "./schema";
import type { AppendResult, LogRef, PreparedEvent, Tier } from "./types";

/**
 * What an event's envelope (its Merkle leaf, DESIGN: Integrity model) holds. Optional members
 * appear only when they say something (a flag that is set, a list that is not empty).
 */
export interface Envelope {
  log: string;
  seq: number;
  id: string;
  received_at: string;
  /** Effective tier; `declared_tier` is added when the producer declared a lower one. */
  tier: Tier;
  declared_tier?: Tier;
  /** The policy rule that set the tier (absent when the policy's default did). */
  rule?: string;
  schema: string;
  /** sha256:<hex> of the RFC 8785 canonical event as received (before any masking). */
  digest: string;
  retained: "body" | "projection";
  sample?: { rate: number; threshold: string; adjusted_count: number; in_sample: boolean };
  masked?: string[];
  producer: string;
  chain: ChainVerdict;
  /** How sequence_number follows the producer's previous one, when not simply the next. */
  sequence?: "gap" | "repeat" | "regress";
  missing?: number;
  future_timestamp?: true;
  conflict?: true;
}

export interface Existing {
  seq: number;
  tier: Tier;
}

/**
 * Sequences `events` into the shard inside the caller's transaction. Duplicates (same content
 * id, stored before or earlier in this call) are answered with the original; an event that
 * reuses a (decision_id, sequence_number) pair with other content is stored and flagged
 * `conflict`, because evidence is never silently dropped.
 * Precondition: runs inside `transactionSync`; `nextSeq` is the shard's next free sequence.
 */
export function appendEvents(
  sql: SqlStorage,
  log: LogRef,
  events: readonly PreparedEvent[],
  receivedAt: Date,
  nextSeq: number,
): { results: AppendResult[]; nextSeq: number } {
  const existing = findExisting(sql, events.map((e) => e.id));
  const taken = findTakenPairs(sql, events);
  const producers = loadProducers(sql, events.map((e) => e.producer));
  const receivedIso = receivedAt.toISOString();
  const results: AppendResult[] = [];
  const rows: unknown[] = [];
  for (const e of events) {
    const prior = existing.get(e.id);
    if (prior) {
      results.push({ index: e.index, status: "duplicate", id: e.id, log: log.origin, seq: prior.seq, tier: prior.tier });
      continue;
    }
    const pair = pairKey(e.decisionId, e.sequenceNumber);
    const conflict = taken.has(pair);
    const seq = nextSeq++;
    const { chain, sequence } = advance(producers.get(e.producer)!, e);
    const envelope: Envelope = {
      log: log.origin,
      seq,
      id: e.id,
      received_at: receivedIso,
      tier: e.tier,
      schema: `des/${e.schemaVersion}`,
      digest: `sha256:${e.id}`,
      retained: e.retained,
      producer: e.producer,
      chain,
    };
    if (e.declaredTier !== e.tier) envelope.declared_tier = e.declaredTier;
    if (e.rule !== null) envelope.rule = e.rule;
    if (e.sample) envelope.sample = e.sample;
    if (e.masked.length > 0) envelope.masked = e.masked;
    if (sequence.kind === "gap" || sequence.kind === "repeat" || sequence.kind === "regress") envelope.sequence = sequence.kind;
    if (sequence.missing !== undefined) envelope.missing = sequence.missing;
    if (e.futureTimestamp) envelope.future_timestamp = true;
    if (conflict) envelope.conflict = true;
    rows.push(seq, fromHex(e.id), e.decisionId, e.sequenceNumber, e.decisionType, e.logicType, e.outputKey, e.tier, receivedAt.getTime(), envelopeJson(envelope), e.body);
    existing.set(e.id, { seq, tier: e.tier });
    taken.add(pair);
    results.push({
      index: e.index,
      status: "accepted",
      id: e.id,
      log: log.origin,
      seq,
      tier: e.tier,
      ...(conflict ? { conflict: true as const } : {}),
    });
  }
  insertRows(sql, rows);
  saveProducers(sql, producers.values());
  return { results, nextSeq };
}

const COLUMNS = 11;
const ROWS_PER_INSERT = Math.floor(MAX_BOUND_PARAMS / COLUMNS);

function insertRows(sql: SqlStorage, flat: unknown[]): void {
  const total = flat.length / COLUMNS;
  for (let start = 0; start < total; start += ROWS_PER_INSERT) {
    const n = Math.min(ROWS_PER_INSERT, total - start);
    const params = flat.slice(start * COLUMNS, (start + n) * COLUMNS);
    sql.exec(
      `INSERT INTO events (seq, id, decision_id, sequence_number, decision_type, logic_type, output, tier, received_at, envelope, body) VALUES ${placeholders(n, COLUMNS)}`,
      ...params,
    );
  }
}

function placeholders(rows: number, cols: number): string {
  const row = `(${new Array(cols).fill("?").join(",")})`;
  return new Array(rows).fill(row).join(",");
}

export function findExisting(sql: SqlStorage, ids: readonly string[]): Map<string, Existing> {
  const found = new Map<string, Existing>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += MAX_BOUND_PARAMS) {
    const chunk = unique.slice(i, i + MAX_BOUND_PARAMS);
    const cursor = sql.exec<{ seq: number; id: ArrayBuffer; envelope: string }>(
      `SELECT seq, id, envelope FROM events WHERE id IN (${chunk.map(() => "?").join(",")})`,
      ...chunk.map(fromHex),
    );
    for (const row of cursor) {
      const envelope = JSON.parse(row.envelope) as Envelope;
      found.set(toHex(new Uint8Array(row.id)), { seq: row.seq, tier: envelope.tier });
    }
  }
  return found;
}

const pairKey = (decisionId: string, sequenceNumber: number) => `${sequenceNumber}\u0000${decisionId}`;

function findTakenPairs(sql: SqlStorage, events: readonly PreparedEvent[]): Set<string> {
  const taken = new Set<string>();
  const decisions = [...new Set(events.map((e) => e.decisionId))];
  for (let i = 0; i < decisions.length; i += MAX_BOUND_PARAMS) {
    const chunk = decisions.slice(i, i + MAX_BOUND_PARAMS);
    const cursor = sql.exec<{ decision_id: string; sequence_number: number }>(
      `SELECT decision_id, sequence_number FROM events WHERE decision_id IN (${chunk.map(() => "?").join(",")})`,
      ...chunk,
    );
    for (const row of cursor) taken.add(pairKey(row.decision_id, row.sequence_number));
  }
  return taken;
}

import type { Envelope } from "../core/protocol";
import { envelopeJson } from "./envelope-json";
import { advance, loadProducers, saveProducers } from "./producers";
import { eventLine, joinLines } from "./bundle";
import { factsOf, type EventFacts } from "./facts";
import { MAX_BOUND_PARAMS } from "./schema";
import { idRow, matchIds, type Stored } from "./event-ids";
import { decisionKey, pairText } from "./event-pairs";
import type { AppendResult, LogRef, PreparedEvent } from "./types";

/**
 * Sequences `events` into the shard inside the caller's transaction: the accepted ones become
 * ONE `slices` row (their export lines, README: Storage) plus their two index rows each.
 * Duplicates (same content id, stored before or earlier in this call) are answered with the
 * original; an event that reuses a (decision_id, sequence_number) pair with other content is
 * stored and flagged `conflict`, because evidence is never silently dropped.
 * Id index rows are candidates confirmed by their stored envelope (event-ids.ts): `resolve`
 * gives it; when it cannot for some candidate, nothing is written and those seqs are returned
 * (`unresolved`) for the caller to read and retry with.
 * Precondition: runs inside `transactionSync`; `nextSeq` is the shard's next free sequence.
 */
export function appendEvents(
  sql: SqlStorage,
  log: LogRef,
  events: readonly PreparedEvent[],
  receivedAt: Date,
  nextSeq: number,
  resolve: (seq: number) => Stored | undefined,
): { results: AppendResult[]; nextSeq: number } | { unresolved: number[] } {
  const unresolved: number[] = [];
  const existing = matchIds(
    sql,
    events.map((e) => e.id),
    resolve,
    unresolved,
  );
  if (!existing) return { unresolved };
  const keys = events.map((e) => decisionKey(e.decisionId));
  const taken = findTakenPairs(sql, keys);
  const producers = loadProducers(
    sql,
    events.map((e) => e.producer),
  );
  const receivedIso = receivedAt.toISOString();
  const results: AppendResult[] = [];
  const lines: string[] = [];
  const facts: EventFacts[] = [];
  const ids: unknown[] = [];
  const pairs: unknown[] = [];
  const firstSeq = nextSeq;
  for (const [i, e] of events.entries()) {
    const prior = existing.get(e.id);
    if (prior) {
      results.push({
        index: e.index,
        status: "duplicate",
        id: e.id,
        log: log.origin,
        seq: prior.seq,
        tier: prior.tier,
      });
      continue;
    }
    const pair = pairText(keys[i]!, e.sequenceNumber);
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
    if (sequence.kind === "gap" || sequence.kind === "repeat" || sequence.kind === "regress")
      envelope.sequence = sequence.kind;
    if (sequence.missing !== undefined) envelope.missing = sequence.missing;
    if (e.futureTimestamp) envelope.future_timestamp = true;
    if (conflict) envelope.conflict = true;
    lines.push(eventLine(envelopeJson(envelope), e.body));
    facts.push(
      factsOf(envelope, { decisionType: e.decisionType, logicType: e.logicType, output: e.outputKey }, true),
    );
    ids.push(...idRow(e.id, seq));
    pairs.push(keys[i]!, e.sequenceNumber, seq);
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
  if (lines.length > 0) {
    sql.exec(
      "INSERT INTO slices (first_seq, count, received_at, lines, facts) VALUES (?, ?, ?, ?, ?)",
      firstSeq,
      lines.length,
      receivedAt.getTime(),
      joinLines(lines),
      JSON.stringify(facts),
    );
    insertRows(sql, "event_ids (k, seq)", 2, ids);
    insertRows(sql, "event_pairs (d, sequence_number, seq)", 3, pairs);
  }
  saveProducers(sql, producers.values());
  return { results, nextSeq };
}

function insertRows(sql: SqlStorage, into: string, columns: number, flat: unknown[]): void {
  const perInsert = Math.floor(MAX_BOUND_PARAMS / columns);
  const total = flat.length / columns;
  const row = `(${new Array(columns).fill("?").join(",")})`;
  for (let start = 0; start < total; start += perInsert) {
    const n = Math.min(perInsert, total - start);
    sql.exec(
      `INSERT INTO ${into} VALUES ${new Array(n).fill(row).join(",")}`,
      ...flat.slice(start * columns, (start + n) * columns),
    );
  }
}

function findTakenPairs(sql: SqlStorage, keys: readonly Uint8Array[]): Set<string> {
  const taken = new Set<string>();
  const unique = [...new Map(keys.map((k) => [pairText(k, 0), k])).values()];
  for (let i = 0; i < unique.length; i += MAX_BOUND_PARAMS) {
    const chunk = unique.slice(i, i + MAX_BOUND_PARAMS);
    const cursor = sql.exec<{ d: ArrayBuffer; sequence_number: number }>(
      `SELECT d, sequence_number FROM event_pairs WHERE d IN (${chunk.map(() => "?").join(",")})`,
      ...chunk,
    );
    for (const row of cursor) taken.add(pairText(new Uint8Array(row.d), row.sequence_number));
  }
  return taken;
}

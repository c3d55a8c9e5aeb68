import type { ChainVerdict } from "../core/des-chain";
import { sequenceGap, type SequenceStep } from "../core/des-chain";
import { MAX_BOUND_PARAMS } from "./schema";
import type { PreparedEvent } from "./types";

/**
 * Each producer's DES hash chain and sequence, as this shard has seen them: the last
 * `current_hash` (to check the next `previous_hash`) and the last `sequence_number` (to see
 * gaps and repeats — DES's "coverage erosion"), with running counts for the stats API.
 */
export type ProducerState = {
  producer: string;
  last_hash: string | null;
  last_seq: number | null;
  events: number;
  chain_ok: number;
  chain_mismatch: number;
  chain_broken: number;
  chain_unverified: number;
  gaps: number;
  missing: number;
  repeats: number;
  regressions: number;
};

export const PRODUCER_SCHEMA = `
CREATE TABLE IF NOT EXISTS producers (
  producer TEXT PRIMARY KEY,
  last_hash TEXT,
  last_seq INTEGER,
  events INTEGER NOT NULL,
  chain_ok INTEGER NOT NULL,
  chain_mismatch INTEGER NOT NULL,
  chain_broken INTEGER NOT NULL,
  chain_unverified INTEGER NOT NULL,
  gaps INTEGER NOT NULL,
  missing INTEGER NOT NULL,
  repeats INTEGER NOT NULL,
  regressions INTEGER NOT NULL
) WITHOUT ROWID;
`;

function fresh(producer: string): ProducerState {
  return {
    producer,
    last_hash: null,
    last_seq: null,
    events: 0,
    chain_ok: 0,
    chain_mismatch: 0,
    chain_broken: 0,
    chain_unverified: 0,
    gaps: 0,
    missing: 0,
    repeats: 0,
    regressions: 0,
  };
}

export function loadProducers(sql: SqlStorage, producers: readonly string[]): Map<string, ProducerState> {
  const out = new Map<string, ProducerState>();
  const unique = [...new Set(producers)];
  for (let i = 0; i < unique.length; i += MAX_BOUND_PARAMS) {
    const chunk = unique.slice(i, i + MAX_BOUND_PARAMS);
    for (const row of sql.exec<ProducerState>(
      `SELECT * FROM producers WHERE producer IN (${chunk.map(() => "?").join(",")})`,
      ...chunk,
    )) {
      out.set(row.producer, { ...row });
    }
  }
  for (const p of unique) if (!out.has(p)) out.set(p, fresh(p));
  return out;
}

export interface ChainOutcome {
  chain: ChainVerdict;
  sequence: SequenceStep;
}

/**
 * Completes the edge's chain verdict with the link to the producer's previous event and
 * classifies its sequence number, updating `state`. A mismatching event still moves the chain
 * on to the hash it states, since the producer's next event links to that.
 */
export function advance(state: ProducerState, e: PreparedEvent): ChainOutcome {
  let chain: ChainVerdict;
  if (e.chain.verdict === "unverified") {
    chain = "unverified";
    state.chain_unverified++;
  } else {
    const linked = state.last_hash === null || e.chain.previousHash === state.last_hash;
    chain = e.chain.verdict === "mismatch" ? "mismatch" : linked ? "ok" : "broken-link";
    if (chain === "ok") state.chain_ok++;
    else if (chain === "mismatch") state.chain_mismatch++;
    else state.chain_broken++;
    state.last_hash = e.chain.currentHash;
  }
  const sequence = sequenceGap(state.last_seq ?? undefined, e.sequenceNumber);
  if (sequence.kind === "gap") {
    state.gaps++;
    state.missing += sequence.missing ?? 0;
  } else if (sequence.kind === "repeat") state.repeats++;
  else if (sequence.kind === "regress") state.regressions++;
  if (state.last_seq === null || e.sequenceNumber > state.last_seq) state.last_seq = e.sequenceNumber;
  state.events++;
  return { chain, sequence };
}

export function saveProducers(sql: SqlStorage, states: Iterable<ProducerState>): void {
  for (const s of states) {
    if (s.events === 0) continue;
    sql.exec(
      `INSERT OR REPLACE INTO producers (producer, last_hash, last_seq, events, chain_ok, chain_mismatch, chain_broken,
         chain_unverified, gaps, missing, repeats, regressions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      s.producer,
      s.last_hash,
      s.last_seq,
      s.events,
      s.chain_ok,
      s.chain_mismatch,
      s.chain_broken,
      s.chain_unverified,
      s.gaps,
      s.missing,
      s.repeats,
      s.regressions,
    );
  }
}

export function allProducers(sql: SqlStorage): ProducerState[] {
  return sql
    .exec<ProducerState>("SELECT * FROM producers ORDER BY producer")
    .toArray()
    .map((r) => ({ ...r }));
}

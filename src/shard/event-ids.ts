import { MAX_BOUND_PARAMS } from "./schema";
import { splitLine, splitLines } from "./bundle";
import { sliceOf, type EventLines } from "./lines";
import type { Tier } from "./types";

/**
 * The `event_ids` index (README: Storage): one row per event, (key, seq), WITHOUT ROWID. The key
 * is the first 48 bits of the event id (a SHA-256, so uniform) as an INTEGER, which SQLite
 * stores in 6 bytes — the full 32-byte id is in the event's envelope, which every lookup reads
 * to confirm a match. Two ids may share a key: each row is a candidate, and a candidate whose
 * envelope holds another id is no match.
 */
export const ID_KEY = {
  /** Precondition: `id` is 64 lowercase hex digits. Replaceable by tests to force collisions. */
  of(id: string): number {
    return parseInt(id.slice(0, 12), 16);
  },
};

const ID_HEX = /^[0-9a-f]{64}$/;

export interface Existing {
  seq: number;
  tier: Tier;
}

/** What a candidate's stored envelope says: its id and tier. */
export interface Stored extends Existing {
  id: string;
}

/** The seqs of every row whose key is one of the ids' keys (candidates, not yet matches). */
export function idCandidates(sql: SqlStorage, ids: readonly string[]): number[] {
  const keys = [...new Set(ids.filter((id) => ID_HEX.test(id)).map((id) => ID_KEY.of(id)))];
  const seqs: number[] = [];
  for (let i = 0; i < keys.length; i += MAX_BOUND_PARAMS) {
    const chunk = keys.slice(i, i + MAX_BOUND_PARAMS);
    for (const row of sql.exec<{ seq: number }>(
      `SELECT seq FROM event_ids WHERE k IN (${chunk.map(() => "?").join(",")})`,
      ...chunk,
    ))
      seqs.push(row.seq);
  }
  return seqs;
}

/** Reads the id and tier an event line's envelope holds (confirmation of a candidate). */
export function storedOf(seq: number, line: string): Stored {
  const env = JSON.parse(splitLine(line).envelope) as { id: string; tier: Tier };
  return { id: env.id, tier: env.tier, seq };
}

/**
 * The events among `ids` (hex) the shard holds: each candidate row is confirmed by `resolve`
 * (its stored envelope). Returns undefined when `resolve` cannot answer for some candidate
 * (e.g. its bundle is not decoded yet), with those seqs in `unresolved`.
 */
export function matchIds(
  sql: SqlStorage,
  ids: readonly string[],
  resolve: (seq: number) => Stored | undefined,
  unresolved: number[] = [],
): Map<string, Existing> | undefined {
  const wanted = new Set(ids);
  const found = new Map<string, Existing>();
  for (const seq of idCandidates(sql, ids)) {
    const stored = resolve(seq);
    if (stored === undefined) unresolved.push(seq);
    else if (wanted.has(stored.id)) found.set(stored.id, { seq: stored.seq, tier: stored.tier });
  }
  return unresolved.length > 0 ? undefined : found;
}

/** The index rows of new events, flattened for a multi-row INSERT: (k, seq) each. */
export function idRow(id: string, seq: number): [number, number] {
  return [ID_KEY.of(id), seq];
}

/**
 * The stored id and tier of `seq` when it is pending (a synchronous read of its slice), else
 * undefined: sealed lines need a bundle decode (readStored).
 */
export function pendingStored(sql: SqlStorage, seq: number, sealedUpto: number): Stored | undefined {
  if (seq < sealedUpto) return undefined;
  const slice = sliceOf(sql, seq);
  const line = slice ? splitLines(slice.lines)[seq - slice.first_seq] : undefined;
  return line === undefined ? undefined : storedOf(seq, line);
}

/** The stored id and tier of any event. @throws when the index names a seq that is not stored. */
export async function readStored(lines: EventLines, seq: number, sealedUpto: number): Promise<Stored> {
  const line = await lines.line(seq, sealedUpto);
  if (line === null) throw new Error(`the id index names seq ${seq}, which is not stored`);
  return storedOf(seq, line);
}

/** The events among `ids` (hex) the shard holds, every candidate confirmed from its envelope. */
export async function findIds(
  sql: SqlStorage,
  lines: EventLines,
  ids: readonly string[],
  sealedUpto: number,
): Promise<Map<string, Existing>> {
  const known = new Map<number, Stored>();
  for (const seq of idCandidates(sql, ids)) known.set(seq, await readStored(lines, seq, sealedUpto));
  return matchIds(sql, ids, (seq) => known.get(seq) ?? pendingStored(sql, seq, sealedUpto)) ?? new Map();
}

/** The seq of event `id` (hex), or null. */
export async function seqOfId(
  sql: SqlStorage,
  lines: EventLines,
  id: string,
  sealedUpto: number,
): Promise<number | null> {
  if (!ID_HEX.test(id)) return null;
  for (const seq of idCandidates(sql, [id])) {
    if ((await readStored(lines, seq, sealedUpto)).id === id) return seq;
  }
  return null;
}

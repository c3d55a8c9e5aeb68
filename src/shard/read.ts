import { fromHex, toHex } from "../core/bytes";
import { consistencyProof, inclusionProof, subtreeHashFromNodes } from "../core/merkle";
import { batchNodes } from "./batch-tree";
import type { BatchHeader } from "./seal";
import type { Envelope } from "./append";
import { erasureOf, type Erasure } from "./retention";
import { unpackHashes, type TreeStore } from "./tree-store";

/** An event proof (DESIGN: Event proof): leaf → batch root → checkpoint root. */
export interface EventProof {
  batch: BatchHeader;
  leaf_index: number;
  batch_path: string[];
  batch_index: number;
  tree_size: number;
  log_path: string[];
  checkpoint: string;
}

export interface EventRecord {
  envelope: Envelope;
  /** The retained content as stored (canonical JSON text), or null when none is kept. */
  body: string | null;
  erased: Erasure | null;
  /** null while the event waits in an unsealed batch. */
  proof: EventProof | null;
}

/**
 * Builds the proof of event `id` against the latest checkpoint: one read for the batch's leaf
 * hashes, O(log n) reads of stored log-tree nodes.
 */
export function buildEventProof(
  sql: SqlStorage,
  tree: TreeStore,
  id: string,
  sealedUpto: number,
  treeSize: number,
): EventRecord | null {
  let idBytes: Uint8Array;
  try {
    idBytes = fromHex(id);
  } catch {
    return null;
  }
  const row = sql
    .exec<{ seq: number; envelope: string; body: string | null }>("SELECT seq, envelope, body FROM events WHERE id = ?", idBytes)
    .toArray()[0];
  if (!row) return null;
  const record: EventRecord = {
    envelope: JSON.parse(row.envelope) as Envelope,
    body: row.body,
    erased: row.body === null ? erasureOf(sql, row.seq) : null,
    proof: null,
  };
  if (row.seq >= sealedUpto) return record;
  const batch = sql
    .exec<{ n: number; first_seq: number; count: number; header: string; leaf_hashes: ArrayBuffer; upper_nodes: ArrayBuffer }>(
      "SELECT n, first_seq, count, header, leaf_hashes, upper_nodes FROM batches WHERE first_seq <= ? ORDER BY first_seq DESC LIMIT 1",
      row.seq,
    )
    .one();
  const leafIndex = row.seq - batch.first_seq;
  const nodes = batchNodes(unpackHashes(batch.leaf_hashes), new Uint8Array(batch.upper_nodes), batch.count);
  const batchPath = inclusionProof(leafIndex, batch.count, (s, e) => subtreeHashFromNodes(s, e, nodes));
  const logPath = inclusionProof(batch.n, treeSize, (s, e) => subtreeHashFromNodes(s, e, tree.getNode));
  const checkpoint = sql.exec<{ note: string }>("SELECT note FROM checkpoints WHERE size = ?", treeSize).one().note;
  record.proof = {
    batch: JSON.parse(batch.header) as BatchHeader,
    leaf_index: leafIndex,
    batch_path: batchPath.map(toHex),
    batch_index: batch.n,
    tree_size: treeSize,
    log_path: logPath.map(toHex),
    checkpoint,
  };
  return record;
}

export type ConsistencyResult =
  | { ok: true; from: number; to: number; path: string[] }
  | { ok: false; message: string };

/** RFC 9162 §2.1.4 consistency proof between two tree sizes of this log. */
export function buildConsistency(tree: TreeStore, from: number, to: number, treeSize: number): ConsistencyResult {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 1 || from > to) {
    return { ok: false, message: `need 1 <= from <= to, found from=${from}, to=${to}` };
  }
  if (to > treeSize) return { ok: false, message: `to=${to} exceeds the tree size ${treeSize}` };
  const path = consistencyProof(from, to, (s, e) => subtreeHashFromNodes(s, e, tree.getNode));
  return { ok: true, from, to, path: path.map(toHex) };
}

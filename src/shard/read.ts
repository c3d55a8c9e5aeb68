import { toHex, utf8 } from "../core/bytes";
import { consistencyProof, hashLeaf, inclusionProof, subtreeHashFromNodes } from "../core/merkle";
import { batchNodes } from "./batch-tree";
import type { BatchHeader, EventProof as ProtocolEventProof } from "../core/protocol";
import type { Envelope } from "../core/protocol";
import { erasureOf, type Erasure } from "./retention";
import type { TreeStore } from "./tree-store";
import { seqOfId } from "./event-ids";
import { splitLine } from "./bundle";
import { batchOf, type EventLines } from "./lines";
import { checkpointOfSize } from "./log-records";

/**
 * The event proof as it crosses RPC: the protocol's EventProof with the header's named
 * members (the stub's types need named members, not an open record).
 */
export type EventProof = Omit<ProtocolEventProof, "batch"> & {
  batch: Pick<BatchHeader, "log" | "batch" | "first_seq" | "count" | "root" | "sealed_at">;
};

export interface EventRecord {
  envelope: Envelope;
  /** The envelope as stored: its RFC 8785 text, the Merkle leaf data. */
  envelopeText: string;
  /** The retained content as stored (canonical JSON text), or null when none is kept. */
  body: string | null;
  erased: Erasure | null;
  /** null while the event waits in an unsealed batch. */
  proof: EventProof | null;
}

/**
 * The event `id` as stored, with its proof against the latest checkpoint once sealed: the
 * batch path from stored upper nodes and the few leaf hashes below them that the path needs
 * (hashed from its bundle's envelopes), the log path from O(log n) stored log-tree nodes.
 */
export async function buildEventProof(
  sql: SqlStorage,
  tree: TreeStore,
  lines: EventLines,
  id: string,
  sealedUpto: number,
  treeSize: number,
): Promise<EventRecord | null> {
  const seq = await seqOfId(sql, lines, id, sealedUpto);
  if (seq === null) return null;
  const line = await lines.line(seq, sealedUpto);
  if (line === null) throw new Error(`event ${id} is indexed at seq ${seq}, which is not stored`);
  const { envelope, body } = splitLine(line);
  const record: EventRecord = {
    envelope: JSON.parse(envelope) as Envelope,
    envelopeText: envelope,
    body,
    erased: body === null ? erasureOf(sql, seq) : null,
    proof: null,
  };
  if (seq >= sealedUpto) return record;
  const batch = batchOf(sql, seq)!;
  const upper = sql
    .exec<{ upper_nodes: ArrayBuffer }>("SELECT upper_nodes FROM batches WHERE n = ?", batch.n)
    .one().upper_nodes;
  const leafIndex = seq - batch.first_seq;
  const decoded = await lines.batch(batch.n);
  if (decoded === null) throw new Error(`batch ${batch.n} has no stored bundle`);
  const leaves = new Map<number, Uint8Array>();
  const leaf = (i: number): Uint8Array => {
    let hash = leaves.get(i);
    if (hash === undefined) {
      hash = hashLeaf(utf8(splitLine(decoded.lines[i]!).envelope));
      leaves.set(i, hash);
    }
    return hash;
  };
  const nodes = batchNodes(leaf, new Uint8Array(upper), batch.count);
  const batchPath = inclusionProof(leafIndex, batch.count, (s, e) => subtreeHashFromNodes(s, e, nodes));
  const logPath = inclusionProof(batch.n, treeSize, (s, e) => subtreeHashFromNodes(s, e, tree.getNode));
  const checkpoint = checkpointOfSize(sql, treeSize);
  if (checkpoint === null) throw new Error(`no checkpoint of tree size ${treeSize}`);
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
  { ok: true; from: number; to: number; path: string[] } | { ok: false; message: string };

/** RFC 9162 §2.1.4 consistency proof between two tree sizes of this log. */
export function buildConsistency(
  tree: TreeStore,
  from: number,
  to: number,
  treeSize: number,
): ConsistencyResult {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 1 || from > to) {
    return { ok: false, message: `need 1 <= from <= to, found from=${from}, to=${to}` };
  }
  if (to > treeSize) return { ok: false, message: `to=${to} exceeds the tree size ${treeSize}` };
  const path = consistencyProof(from, to, (s, e) => subtreeHashFromNodes(s, e, tree.getNode));
  return { ok: true, from, to, path: path.map(toHex) };
}

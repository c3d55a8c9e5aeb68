import { canonicalJson } from "../core/canonical";
import { toHex, utf8 } from "../core/bytes";
import { hashLeaf, hashLeavesNative, nodesToStoreOnAppend, rootFromNodes } from "../core/merkle";
import { packUpperLevels, perfectLevels, rootOfLevels } from "./batch-tree";
import { formatCheckpoint, signNote, type NoteSigner } from "../core/note";
import { packHashes, type TreeStore } from "./tree-store";

/** The batch header: leaf `batch` of the log tree (DESIGN: Integrity model). */
export interface BatchHeader {
  log: string;
  batch: number;
  first_seq: number;
  count: number;
  root: string;
  sealed_at: string;
}

export interface SealedBatch {
  batch: number;
  firstSeq: number;
  count: number;
  checkpoint: string;
}

export interface SealRequest {
  origin: string;
  /** Index of the batch to seal: the current log tree size. */
  batch: number;
  /** First pending sequence number. */
  firstSeq: number;
  max: number;
  signer: NoteSigner;
  /** Runs the writes atomically (the Durable Object's transactionSync). */
  commit: (write: () => void) => void;
}

/**
 * Seals up to `max` pending events starting at `firstSeq` into batch `batch`: computes the
 * batch root over the envelopes (RFC 9162 §2.1.1), appends the batch header to the log tree,
 * signs the new checkpoint (C2SP tlog-checkpoint), then writes batch, tree nodes, checkpoint
 * and the new sealing position in one transaction, so a crash leaves either all or nothing.
 * Precondition: no other seal runs concurrently on this shard.
 */
export async function sealBatch(sql: SqlStorage, tree: TreeStore, req: SealRequest): Promise<SealedBatch | null> {
  const rows = sql
    .exec<{ seq: number; envelope: string }>(
      "SELECT seq, envelope FROM events WHERE seq >= ? ORDER BY seq LIMIT ?",
      req.firstSeq,
      req.max,
    )
    .toArray();
  if (rows.length === 0) return null;
  const leafHashes = await hashLeavesNative(rows.map((r) => r.envelope));
  const levels = perfectLevels(leafHashes);
  const root = rootOfLevels(levels, leafHashes.length);
  const sealedAt = new Date();
  const header: BatchHeader = {
    log: req.origin,
    batch: req.batch,
    first_seq: req.firstSeq,
    count: rows.length,
    root: toHex(root),
    sealed_at: sealedAt.toISOString(),
  };
  const headerText = canonicalJson(header);
  const headerLeaf = hashLeaf(utf8(headerText));
  const newNodes = nodesToStoreOnAppend(req.batch, headerLeaf, tree.getNode);
  const overlay = new Map(newNodes.map((n) => [`${n.level}/${n.index}`, n.hash]));
  const size = req.batch + 1;
  const logRoot = rootFromNodes(size, (level, index) => overlay.get(`${level}/${index}`) ?? tree.getNode(level, index));
  const note = await signNote(formatCheckpoint({ origin: req.origin, size, rootHash: logRoot }), [req.signer]);
  req.commit(() => {
    sql.exec(
      "INSERT INTO batches (n, first_seq, count, root, header, sealed_at, leaf_hashes, upper_nodes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      req.batch,
      req.firstSeq,
      rows.length,
      root,
      headerText,
      sealedAt.getTime(),
      packHashes(leafHashes),
      packUpperLevels(levels),
    );
    tree.put(newNodes);
    sql.exec("INSERT INTO checkpoints (size, root, note) VALUES (?, ?, ?)", size, logRoot, note);
    sql.exec(
      "INSERT OR REPLACE INTO meta (k, v) VALUES ('sealed_upto', ?), ('tree_size', ?)",
      req.firstSeq + rows.length,
      size,
    );
  });
  return { batch: req.batch, firstSeq: req.firstSeq, count: rows.length, checkpoint: note };
}

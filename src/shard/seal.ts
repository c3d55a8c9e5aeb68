import { canonicalJson } from "../core/canonical";
import { toHex, utf8 } from "../core/bytes";
import { hashLeaf, hashLeavesNative, nodesToStoreOnAppend, rootFromNodes } from "../core/merkle";
import type { BatchHeader } from "../core/protocol";
import { packUpperLevels, perfectLevels, rootOfLevels } from "./batch-tree";
import { encodeBundle, joinLines, splitLine, splitLines } from "./bundle";
import { aggregateFacts, type EventFacts } from "./facts";
import { saveMeta } from "./meta";
import { addToTotals, loadStatsKeys } from "./stats-totals";
import { formatCheckpoint, signNote, type NoteSigner } from "../core/note";
import type { SliceRow } from "./lines";
import type { TreeStore } from "./tree-store";

export type { BatchHeader };

export interface SealedBatch {
  batch: number;
  firstSeq: number;
  count: number;
  checkpoint: string;
  /** The batch's bundle as stored (so archiving it now needs no read back). */
  bundle: Uint8Array;
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
  /** Runs inside the commit, after the batch is written (e.g. to update running totals). */
  onSealed?: (batch: { n: number; facts: EventFacts[] }) => void;
}

/** The pending events a seal takes: whole slices, and the head of one it cuts. */
interface Taken {
  lines: string[];
  facts: EventFacts[];
  receivedFirst: number;
  receivedLast: number;
  consumed: number[];
  /** The rest of a slice cut at the batch boundary, to be stored as a new slice. */
  rest: { first_seq: number; count: number; received_at: number; lines: string; facts: string } | null;
}

function takePending(sql: SqlStorage, firstSeq: number, max: number): Taken {
  const taken: Taken = { lines: [], facts: [], receivedFirst: 0, receivedLast: 0, consumed: [], rest: null };
  // Pending slices are contiguous from `firstSeq`, so the ones that start before
  // `firstSeq + max` are exactly those holding the batch's events: a backlog of later slices
  // is not read (each is a request's whole text). The rows are read to the end: a cursor left
  // open keeps its read transaction, and with it every WAL frame written since, alive (SQLite
  // cannot checkpoint past an open reader).
  const slices = sql
    .exec<SliceRow>(
      "SELECT first_seq, count, received_at, lines, facts FROM slices WHERE first_seq >= ? AND first_seq < ? ORDER BY first_seq",
      firstSeq,
      firstSeq + max,
    )
    .toArray();
  if (slices.length === 0) {
    // Nothing starts in the batch's range: a later slice would mean the pending events have a gap.
    const later = sql
      .exec<{ first_seq: number }>(
        "SELECT first_seq FROM slices WHERE first_seq >= ? ORDER BY first_seq LIMIT 1",
        firstSeq,
      )
      .toArray()[0];
    if (later) throw new Error(`pending slices are not contiguous at seq ${later.first_seq}`);
  }
  for (const s of slices) {
    if (s.first_seq !== firstSeq + taken.lines.length)
      throw new Error(`pending slices are not contiguous at seq ${s.first_seq}`);
    if (taken.lines.length === 0) taken.receivedFirst = s.received_at;
    taken.receivedLast = s.received_at;
    const lines = splitLines(s.lines);
    const facts = JSON.parse(s.facts) as EventFacts[];
    const room = max - taken.lines.length;
    taken.consumed.push(s.first_seq);
    if (lines.length <= room) {
      taken.lines.push(...lines);
      taken.facts.push(...facts);
    } else {
      taken.lines.push(...lines.slice(0, room));
      taken.facts.push(...facts.slice(0, room));
      taken.rest = {
        first_seq: s.first_seq + room,
        count: s.count - room,
        received_at: s.received_at,
        lines: joinLines(lines.slice(room)),
        facts: JSON.stringify(facts.slice(room)),
      };
    }
    if (taken.lines.length >= max) break;
  }
  return taken;
}

/**
 * Seals up to `max` pending events starting at `firstSeq` into batch `batch`: computes the
 * batch root over the envelopes (RFC 9162 §2.1.1), appends the batch header to the log tree,
 * signs the new checkpoint (C2SP tlog-checkpoint), compresses the batch's export into its
 * bundle, then — in one transaction, so a crash leaves either all or nothing — writes the batch
 * with its exact stats, the tree nodes and checkpoint, drops the sealed slices and moves the
 * sealing position.
 * Precondition: no other seal, erasure or retention sweep runs concurrently on this shard.
 */
export async function sealBatch(
  sql: SqlStorage,
  tree: TreeStore,
  req: SealRequest,
): Promise<SealedBatch | null> {
  const taken = takePending(sql, req.firstSeq, req.max);
  const count = taken.lines.length;
  if (count === 0) return null;
  const leafHashes = await hashLeavesNative(taken.lines.map((l) => splitLine(l).envelope));
  const levels = perfectLevels(leafHashes);
  const root = rootOfLevels(levels, count);
  const sealedAt = new Date();
  const header: BatchHeader = {
    log: req.origin,
    batch: req.batch,
    first_seq: req.firstSeq,
    count,
    root: toHex(root),
    sealed_at: sealedAt.toISOString(),
  };
  const headerText = canonicalJson(header);
  const headerLeaf = hashLeaf(utf8(headerText));
  const newNodes = nodesToStoreOnAppend(req.batch, headerLeaf, tree.getNode);
  const overlay = new Map(newNodes.map((n) => [`${n.level}/${n.index}`, n.hash]));
  const size = req.batch + 1;
  const logRoot = rootFromNodes(
    size,
    (level, index) => overlay.get(`${level}/${index}`) ?? tree.getNode(level, index),
  );
  const [note, bundle] = await Promise.all([
    signNote(formatCheckpoint({ origin: req.origin, size, rootHash: logRoot }), [req.signer]),
    encodeBundle(headerText, taken.lines),
  ]);
  const raw = aggregateFacts(taken.facts);
  req.commit(() => {
    // Keys take their stats slots here, once per batch (stats-keys.ts): the batch's stored
    // stats and the totals count each event under the same counter.
    const keys = loadStatsKeys(sql);
    const stats = keys.encode(keys.cap(raw, true));
    for (const first of taken.consumed) sql.exec("DELETE FROM slices WHERE first_seq = ?", first);
    if (taken.rest) {
      const r = taken.rest;
      sql.exec(
        "INSERT INTO slices (first_seq, count, received_at, lines, facts) VALUES (?, ?, ?, ?, ?)",
        r.first_seq,
        r.count,
        r.received_at,
        r.lines,
        r.facts,
      );
    }
    sql.exec(
      `INSERT INTO batches (n, first_seq, count, root, header, sealed_at, received_first, received_last, upper_nodes, bundle, bodies, stats)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'kept', ?)`,
      req.batch,
      req.firstSeq,
      count,
      root,
      headerText,
      sealedAt.getTime(),
      taken.receivedFirst,
      taken.receivedLast,
      packUpperLevels(levels),
      bundle,
      JSON.stringify(stats),
    );
    tree.put(newNodes);
    sql.exec("INSERT INTO checkpoints (size, root, note) VALUES (?, ?, ?)", size, logRoot, note);
    saveMeta(sql, { sealedUpto: req.firstSeq + count, treeSize: size });
    addToTotals(sql, stats, keys);
    req.onSealed?.({ n: req.batch, facts: taken.facts });
  });
  return { batch: req.batch, firstSeq: req.firstSeq, count, checkpoint: note, bundle };
}

/**
 * The tenant head: one signed note committing to the latest checkpoint of every shard of a
 * tenant, so a single signature covers the whole tenant. It is a C2SP tlog-checkpoint whose
 * tree (RFC 9162) has one leaf per shard, in shard order; leaf data is the RFC 8785 canonical
 * JSON `{"origin", "root", "size"}` of that shard's checkpoint (size 0 and the empty-tree root
 * for a shard that has sealed nothing yet). Its one extension line, `time <RFC 3339>`, dates it.
 */
import { bytesEqual, fromHex, toHex, utf8 } from "./bytes";
import { canonicalJson } from "./canonical";
import { VerificationError } from "./errors";
import { EMPTY_ROOT, hashLeaf, merkleRoot } from "./merkle";
import { formatCheckpoint, openNote, parseCheckpoint, type NoteVerifier } from "./note";

export interface ShardHeadEntry {
  log: string;
  origin: string;
  size: number;
  /** Lowercase hex root of the shard's checkpoint. */
  root: string;
  /** The shard's signed checkpoint, or null while it has none. */
  checkpoint: string | null;
}

export interface TenantHeadDocument {
  note: string;
  shards: ShardHeadEntry[];
}

export class TenantHeadError extends VerificationError {}

export const EMPTY_ROOT_HEX = toHex(EMPTY_ROOT);

export function headLeaf(entry: Pick<ShardHeadEntry, "origin" | "size" | "root">): Uint8Array {
  return hashLeaf(utf8(canonicalJson({ origin: entry.origin, root: entry.root, size: entry.size })));
}

/** The note text (unsigned) of a head over `shards` at time `at`. */
export function formatTenantHead(origin: string, shards: readonly ShardHeadEntry[], at: Date): string {
  const root = merkleRoot(shards.map(headLeaf));
  return formatCheckpoint({
    origin,
    size: shards.length,
    rootHash: root,
    extensions: [`time ${at.toISOString()}`],
  });
}

/**
 * Verifies a head document: the head's signature (with `headVerifier`), that its root is the
 * tree over the listed shards, and, for each shard that has a checkpoint, that the checkpoint
 * is signed by that shard's key (`shardVerifiers[i]`, when given) and says what the entry says.
 * Returns the head's time. Throws a VerificationError naming the shard that disagrees.
 */
export async function verifyTenantHead(
  doc: TenantHeadDocument,
  headVerifier: NoteVerifier,
  shardVerifiers: ReadonlyArray<NoteVerifier | undefined> = [],
): Promise<{ size: number; time: string | null }> {
  const head = parseCheckpoint((await openNote(doc.note, [headVerifier])).text);
  if (head.size !== doc.shards.length) {
    throw new TenantHeadError(
      "head covers another number of shards",
      String(head.size),
      String(doc.shards.length),
    );
  }
  const root = merkleRoot(doc.shards.map(headLeaf));
  if (!bytesEqual(root, head.rootHash)) {
    throw new TenantHeadError(
      "head root differs from the tree over the listed shards",
      toHex(head.rootHash),
      toHex(root),
    );
  }
  for (const [i, entry] of doc.shards.entries()) {
    if (entry.checkpoint === null) {
      if (entry.size !== 0 || entry.root !== EMPTY_ROOT_HEX) {
        throw new TenantHeadError(
          `shard ${entry.log} lists a tree without a checkpoint`,
          "size 0, empty root",
          `size ${entry.size}`,
        );
      }
      continue;
    }
    const verifier = shardVerifiers[i];
    if (!verifier) continue;
    let cp;
    try {
      cp = parseCheckpoint((await openNote(entry.checkpoint, [verifier])).text);
    } catch (err) {
      if (!(err instanceof VerificationError)) throw err;
      throw new TenantHeadError(
        `shard ${entry.log}'s checkpoint does not verify: ${err.message}`,
        err.expected,
        err.found,
      );
    }
    if (
      cp.origin !== entry.origin ||
      cp.size !== entry.size ||
      !bytesEqual(cp.rootHash, fromHex(entry.root))
    ) {
      throw new TenantHeadError(
        `shard ${entry.log}'s checkpoint differs from the head's entry`,
        `${entry.origin} ${entry.size} ${entry.root}`,
        `${cp.origin} ${cp.size} ${toHex(cp.rootHash)}`,
      );
    }
  }
  const time = head.extensions?.find((e) => e.startsWith("time "))?.slice(5) ?? null;
  return { size: head.size, time };
}

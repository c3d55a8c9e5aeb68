/**
 * Browser-side checks of what the logs sign: a log's checkpoint against the log's verifier key
 * (C2SP signed-note + tlog-checkpoint) and the tenant head against its key and the logs' keys.
 * Both run the same `src/core` code as the CLI and the Worker, on the browser's WebCrypto.
 */
import { toHex } from "../core/bytes";
import { openNote, parseCheckpoint, type NoteVerifier } from "../core/note";
import { verifyTenantHead, type TenantHeadDocument } from "../core/tenant-head";

export interface VerifiedCheckpoint {
  origin: string;
  size: number;
  /** Lowercase hex root hash. */
  root: string;
  /** The key that signed it, as `name+keyidhex`. */
  signedBy: string;
}

/**
 * Verifies `note` with `verifier` and parses it as a checkpoint.
 *
 * @throws a VerificationError subclass (bad signature, unknown key, malformed note or checkpoint).
 */
export async function verifyCheckpointNote(
  note: string,
  verifier: NoteVerifier,
): Promise<VerifiedCheckpoint> {
  const opened = await openNote(note, [verifier]);
  const checkpoint = parseCheckpoint(opened.text);
  return {
    origin: checkpoint.origin,
    size: checkpoint.size,
    root: toHex(checkpoint.rootHash),
    signedBy: `${verifier.name}+${toHex(verifier.keyId)}`,
  };
}

export interface VerifiedHead {
  origin: string;
  /** Number of logs the head covers. */
  logs: number;
  /** The head's `time` extension (RFC 3339), or null when it has none. */
  time: string | null;
  /** Lowercase hex root over the logs' checkpoints. */
  root: string;
  /** How many of the listed checkpoints were verified with their log's key. */
  checkpointsVerified: number;
}

/**
 * Verifies the tenant head with `headVerifier` and, for every log whose key is in `logKeys`
 * (by log name), that log's listed checkpoint.
 *
 * @throws a VerificationError subclass naming the log or signature that disagrees.
 */
export async function verifyHead(
  doc: TenantHeadDocument,
  headVerifier: NoteVerifier,
  logKeys: ReadonlyMap<string, NoteVerifier>,
): Promise<VerifiedHead> {
  const shardVerifiers = doc.shards.map((entry) => logKeys.get(entry.log));
  const { size, time } = await verifyTenantHead(doc, headVerifier, shardVerifiers);
  // verifyTenantHead returns only size and time; the origin and root are read from the note.
  const checkpoint = parseCheckpoint((await openNote(doc.note, [headVerifier])).text);
  const checkpointsVerified = doc.shards.filter(
    (entry, i) => entry.checkpoint !== null && shardVerifiers[i] !== undefined,
  ).length;
  return {
    origin: checkpoint.origin,
    logs: size,
    time,
    root: toHex(checkpoint.rootHash),
    checkpointsVerified,
  };
}

/** The origin a signed note's text names on its first line (unverified: only to choose a key). */
export function noteOrigin(note: string): string {
  const end = note.indexOf("\n");
  return end < 0 ? note : note.slice(0, end);
}

/**
 * The witness side of C2SP tlog-witness `add-checkpoint` (c2sp.org/tlog-witness), without I/O:
 * request parsing, and the decision — cosign, or refuse with the status code the spec assigns.
 *
 * Request body: "old <size>\n", zero to 63 base64 consistency-proof lines, an empty line, then
 * the signed checkpoint.
 */
import { bytesEqual, fromBase64, toBase64 } from "../bytes";
import { EMPTY_ROOT, verifyConsistency } from "../merkle";
import {
  MalformedNoteError,
  openNote,
  parseCheckpoint,
  type Checkpoint,
  type Cosigner,
  type NoteVerifier,
} from "../note";

/** "The client MUST NOT send more than 63 consistency proof lines." */
export const MAX_PROOF_LINES = 63;

export interface AddCheckpointRequest {
  readonly oldSize: number;
  readonly proof: readonly Uint8Array[];
  /** The signed checkpoint note, as sent. */
  readonly note: string;
}

/** What the witness remembers per log: its latest cosigned checkpoint. */
export interface WitnessedCheckpoint {
  readonly size: number;
  readonly rootHash: Uint8Array;
  /** The checkpoint note with the log's signature and this witness's cosignature. */
  readonly note: string;
}

export type AddCheckpointOutcome =
  | { status: 200; cosignature: string; record: WitnessedCheckpoint; origin: string }
  | { status: 409; size: number }
  | { status: 400 | 403 | 404 | 422; message: string };

/** The request body a log sends. Precondition: at most 63 proof hashes. */
export function formatAddCheckpoint(oldSize: number, proof: readonly Uint8Array[], note: string): string {
  return `old ${oldSize}\n${proof.map((h) => `${toBase64(h)}\n`).join("")}\n${note}`;
}

/** Parses the body, or returns the 400 message naming what is wrong. */
export function parseAddCheckpoint(body: string): AddCheckpointRequest | { error: string } {
  const firstEnd = body.indexOf("\n");
  const m = firstEnd < 0 ? null : /^old (0|[1-9][0-9]*)$/.exec(body.slice(0, firstEnd));
  if (!m || !Number.isSafeInteger(Number(m[1])))
    return { error: 'the first line must be "old <size>" (decimal, no leading zeroes)' };
  const proof: Uint8Array[] = [];
  let at = firstEnd + 1;
  for (;;) {
    const end = body.indexOf("\n", at);
    if (end < 0) return { error: "no empty line before the checkpoint" };
    const line = body.slice(at, end);
    at = end + 1;
    if (line === "") break;
    if (proof.length === MAX_PROOF_LINES)
      return { error: `more than ${MAX_PROOF_LINES} consistency proof lines` };
    let hash: Uint8Array;
    try {
      hash = fromBase64(line);
    } catch {
      return { error: `consistency proof line ${proof.length + 1} is not base64` };
    }
    if (hash.length !== 32)
      return { error: `consistency proof line ${proof.length + 1} is ${hash.length} bytes, not 32` };
    proof.push(hash);
  }
  return { oldSize: Number(m[1]), proof, note: body.slice(at) };
}

/**
 * Decides an add-checkpoint request against the witness's record for the log, in the spec's
 * order: unknown origin 404; no valid signature by a trusted key, or a trusted key's signature
 * failing, 403; old size above the checkpoint size 400; old size not the size last cosigned
 * 409 (with that size); a size-0 checkpoint whose root is not the empty tree's, a proof with
 * old size 0, a consistency proof that does not verify, or equal sizes with different roots
 * 422; otherwise 200 with a cosignature timestamped `now` (POSIX seconds, non-zero).
 *
 * The caller MUST store `record` before answering, atomically with reading `last` (the spec's
 * rollback race).
 */
export async function decideAddCheckpoint(
  request: AddCheckpointRequest,
  logs: ReadonlyMap<string, readonly NoteVerifier[]>,
  last: WitnessedCheckpoint | null,
  cosigner: Cosigner,
  now: number,
): Promise<AddCheckpointOutcome> {
  const origin = request.note.slice(0, Math.max(0, request.note.indexOf("\n")));
  const verifiers = logs.get(origin);
  if (!verifiers) return { status: 404, message: `unknown log origin ${JSON.stringify(origin)}` };
  let text: string;
  try {
    text = (await openNote(request.note, [...verifiers])).text;
  } catch (err) {
    const malformed = err instanceof MalformedNoteError;
    return { status: malformed ? 400 : 403, message: `checkpoint signature: ${(err as Error).message}` };
  }
  let checkpoint: Checkpoint;
  try {
    checkpoint = parseCheckpoint(text);
  } catch (err) {
    return { status: 400, message: (err as Error).message };
  }
  const { oldSize, proof } = request;
  if (oldSize > checkpoint.size)
    return { status: 400, message: `old size ${oldSize} exceeds the checkpoint size ${checkpoint.size}` };
  const lastSize = last?.size ?? 0;
  if (oldSize !== lastSize) return { status: 409, size: lastSize };
  if (checkpoint.size === 0 && !bytesEqual(checkpoint.rootHash, EMPTY_ROOT)) {
    return { status: 422, message: "a checkpoint of size 0 must have the empty tree's root" };
  }
  if (oldSize === 0) {
    if (proof.length > 0) return { status: 422, message: "old size 0 takes no consistency proof" };
  } else if (oldSize === checkpoint.size) {
    if (!bytesEqual(last!.rootHash, checkpoint.rootHash)) {
      return {
        status: 422,
        message: `root at size ${oldSize} differs from the one cosigned before (a fork)`,
      };
    }
    if (proof.length > 0) return { status: 422, message: "equal sizes take no consistency proof" };
  } else {
    try {
      verifyConsistency(oldSize, checkpoint.size, last!.rootHash, checkpoint.rootHash, proof);
    } catch (err) {
      return {
        status: 422,
        message: `consistency proof from ${oldSize} to ${checkpoint.size} does not verify: ${(err as Error).message}`,
      };
    }
  }
  const cosignature = await cosigner.cosign(text, now);
  // Keep the log's signatures that verified, plus ours, for the monitoring checkpoint.
  const note = request.note + cosignature;
  return {
    status: 200,
    cosignature,
    origin,
    record: { size: checkpoint.size, rootHash: checkpoint.rootHash, note },
  };
}

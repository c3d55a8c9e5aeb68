/**
 * C2SP tlog-checkpoint note text (c2sp.org/tlog-checkpoint, "Note text"):
 *
 *     <origin>\n<tree size>\n<base64 root hash>\n[<extension line>\n ...]
 */
import { fromBase64, toBase64 } from "../bytes";
import { MalformedCheckpointError } from "./errors";

export const ROOT_HASH_LENGTH = 32;

export interface Checkpoint {
  /** Unique identifier of the log; non-empty, and for edgelog also the signing key's name. */
  readonly origin: string;
  /** Number of leaves; a safe integer (may exceed 2^31). */
  readonly size: number;
  /** RFC 9162 Merkle Tree Hash at `size`, 32 bytes. */
  readonly rootHash: Uint8Array;
  /** Opaque extension lines, each non-empty. */
  readonly extensions?: readonly string[];
}

/**
 * The checkpoint's note text, ending in a newline, ready for `signNote`.
 *
 * @throws MalformedCheckpointError when a field breaks the rules `parseCheckpoint` enforces.
 */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const extensions = checkpoint.extensions ?? [];
  checkOrigin(checkpoint.origin);
  if (!Number.isSafeInteger(checkpoint.size) || checkpoint.size < 0) {
    throw new MalformedCheckpointError(
      "bad tree size",
      "a non-negative safe integer",
      String(checkpoint.size),
    );
  }
  checkRootLength(checkpoint.rootHash.length);
  extensions.forEach(checkExtension);
  const lines = [checkpoint.origin, String(checkpoint.size), toBase64(checkpoint.rootHash), ...extensions];
  return lines.join("\n") + "\n";
}

/**
 * Parses a checkpoint note text (as returned by `openNote`): at least three non-empty lines;
 * a decimal tree size without leading zeroes ("0" for the empty tree) that fits in a safe
 * integer; a base64 root of exactly 32 bytes; optional non-empty extension lines.
 *
 * @throws MalformedCheckpointError naming the line that is wrong.
 */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith("\n")) {
    throw new MalformedCheckpointError(
      "checkpoint text must end in a newline",
      "final U+000A",
      JSON.stringify(text.slice(-1)),
    );
  }
  const lines = text.slice(0, -1).split("\n");
  if (lines.length < 3) {
    throw new MalformedCheckpointError(
      "checkpoint too short",
      "at least 3 lines (origin, size, root)",
      `${lines.length}`,
    );
  }
  const [origin, sizeLine, rootLine, ...extensions] = lines as [string, string, string, ...string[]];
  checkOrigin(origin);
  if (!/^(?:0|[1-9][0-9]*)$/.test(sizeLine)) {
    throw new MalformedCheckpointError(
      "bad tree size line",
      "decimal digits without leading zeroes",
      JSON.stringify(sizeLine),
    );
  }
  const size = Number(sizeLine);
  if (!Number.isSafeInteger(size)) {
    throw new MalformedCheckpointError("tree size too large", `at most ${Number.MAX_SAFE_INTEGER}`, sizeLine);
  }
  let rootHash: Uint8Array;
  try {
    rootHash = fromBase64(rootLine);
  } catch {
    throw new MalformedCheckpointError("bad root hash line", "standard base64", JSON.stringify(rootLine));
  }
  checkRootLength(rootHash.length);
  extensions.forEach(checkExtension);
  return extensions.length > 0 ? { origin, size, rootHash, extensions } : { origin, size, rootHash };
}

function checkOrigin(origin: string): void {
  if (origin.length === 0)
    throw new MalformedCheckpointError("empty origin line", "a non-empty origin", "empty");
  if (origin.includes("\n"))
    throw new MalformedCheckpointError("origin contains a newline", "one line", JSON.stringify(origin));
}

function checkRootLength(length: number): void {
  if (length !== ROOT_HASH_LENGTH) {
    throw new MalformedCheckpointError("bad root hash", `${ROOT_HASH_LENGTH} bytes`, `${length} bytes`);
  }
}

function checkExtension(line: string, i: number): void {
  if (line.length === 0 || line.includes("\n")) {
    throw new MalformedCheckpointError(
      `bad extension line ${i + 1}`,
      "one non-empty line",
      JSON.stringify(line),
    );
  }
}

/**
 * The auditor's memory between runs: the last checkpoint it verified. The next audit proves the
 * log grew from exactly that tree (RFC 9162 §2.1.4 consistency), which is what catches a log
 * that rewrote history or shows different histories to different auditors.
 */
import type { AuditState } from "../../core/audit";
import { HASH_HEX_PATTERN } from "../../core/protocol";
import { InputError } from "../errors";
import { readStateJson, writeStateJson } from "../state-file";

export type { AuditState };

/** The saved state, or null when `path` does not exist yet (a first audit). */
export async function readState(path: string): Promise<AuditState | null> {
  const parsed = await readStateJson(path);
  if (parsed === undefined) return null;
  const v = parsed as Partial<AuditState>;
  const ok =
    v !== null &&
    typeof v === "object" &&
    v.version === 1 &&
    typeof v.origin === "string" &&
    Number.isSafeInteger(v.size) &&
    (v.size ?? -1) >= 0 &&
    typeof v.root === "string" &&
    HASH_HEX_PATTERN.test(v.root) &&
    typeof v.checkpoint === "string";
  if (!ok)
    throw new InputError(
      `state file ${path} is not an edgelog audit state (version 1 with origin, size, root, checkpoint)`,
    );
  return v as AuditState;
}

/** Writes the state atomically (temporary file, then rename), so a crash never leaves half a file. */
export async function writeState(path: string, state: AuditState): Promise<void> {
  await writeStateJson(path, state);
}

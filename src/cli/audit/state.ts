/**
 * The auditor's memory between runs: the last checkpoint it verified. The next audit proves the
 * log grew from exactly that tree (RFC 9162 §2.1.4 consistency), which is what catches a log
 * that rewrote history or shows different histories to different auditors.
 */
import { readFile, rename, writeFile } from "node:fs/promises";
import type { AuditState } from "../../core/audit";
import { HASH_HEX_PATTERN } from "../../core/protocol";
import { InputError } from "../errors";

export type { AuditState };

/** The saved state, or null when `path` does not exist yet (a first audit). */
export async function readState(path: string): Promise<AuditState | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new InputError(
      `cannot read state file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  let v: Partial<AuditState>;
  try {
    v = JSON.parse(text) as Partial<AuditState>;
  } catch (err) {
    throw new InputError(`state file ${path} is not JSON: ${(err as Error).message}`);
  }
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
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, "utf8");
  await rename(tmp, path);
}

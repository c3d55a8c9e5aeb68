/**
 * The witness's memory: per log origin, the latest checkpoint it cosigned. Persisted (written
 * to a temporary file, then renamed) before any cosignature is returned, as tlog-witness asks.
 */
import { readFile, rename, writeFile } from "node:fs/promises";
import { fromBase64, toBase64 } from "../../core/bytes";
import type { WitnessedCheckpoint } from "../../core/witness/add-checkpoint";
import { InputError } from "../errors";

interface StateFile {
  format: "edgelog-witness/1";
  logs: Record<string, { size: number; root: string; note: string }>;
}

export async function loadWitnessState(path: string): Promise<Map<string, WitnessedCheckpoint>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return new Map();
    throw new InputError(
      `cannot read witness state ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  let parsed: StateFile;
  try {
    parsed = JSON.parse(text) as StateFile;
  } catch (err) {
    throw new InputError(`witness state ${path} is not JSON: ${(err as Error).message}`);
  }
  if (parsed?.format !== "edgelog-witness/1" || typeof parsed.logs !== "object") {
    throw new InputError(`witness state ${path} is not an edgelog witness state (format edgelog-witness/1)`);
  }
  return new Map(
    Object.entries(parsed.logs).map(([origin, r]) => [
      origin,
      { size: r.size, rootHash: fromBase64(r.root), note: r.note },
    ]),
  );
}

export async function saveWitnessState(
  path: string,
  logs: ReadonlyMap<string, WitnessedCheckpoint>,
): Promise<void> {
  const file: StateFile = {
    format: "edgelog-witness/1",
    logs: Object.fromEntries(
      [...logs].map(([origin, r]) => [origin, { size: r.size, root: toBase64(r.rootHash), note: r.note }]),
    ),
  };
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify(file, null, 2) + "\n");
  await rename(tmp, path);
}

/**
 * The JSON files the auditors keep between runs (`edgelog audit --state`, `--tiles`): read with
 * errors that name the file, written atomically so a crash never leaves half a state.
 */
import { readFile, rename, writeFile } from "node:fs/promises";
import { InputError } from "./errors";

/** The parsed JSON of `path`, or undefined when the file does not exist yet (a first audit). */
export async function readStateJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new InputError(
      `cannot read state file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InputError(`state file ${path} is not JSON: ${(err as Error).message}`);
  }
}

/** Writes `value` as indented JSON to a temporary file, then renames it over `path`. */
export async function writeStateJson(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`, "utf8");
  await rename(tmp, path);
}

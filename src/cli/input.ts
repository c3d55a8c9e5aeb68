/** Reading what the user points at: a file or standard input, JSON documents, verifier keys. */
import { readFile } from "node:fs/promises";
import { verifierFromVkey, type NoteVerifier } from "../core/note";
import { InputError, UsageError } from "./errors";
import type { CliIo } from "./io";

/** The text of `path`, or of standard input for "-". */
export async function readInput(io: CliIo, path: string): Promise<string> {
  if (path === "-") return io.readStdin();
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    throw new InputError(
      `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      { cause: err },
    );
  }
}

/** Parses a JSON document read from `what` (a file name, for messages). */
export function parseJsonDocument(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(`${what} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
}

/** A C2SP vkey `name+keyid+base64`: names and ids hold no '+' or spaces. */
const VKEY_SHAPE = /^[^\s+]+\+[0-9a-fA-F]{8}\+[A-Za-z0-9+/]+=*$/;

/**
 * The verifier key given as `value`: either the vkey itself or a file whose first non-empty
 * line is one (as `GET /v1/logs/{log}/key` or `edgelog keygen --name` write it).
 */
export async function loadVkey(
  value: string,
  flag = "--vkey",
): Promise<{ vkey: string; verifier: NoteVerifier }> {
  let vkey = value.trim();
  if (!VKEY_SHAPE.test(vkey)) {
    let text: string;
    try {
      text = await readFile(value, "utf8");
    } catch (err) {
      throw new UsageError(
        `${flag} '${value}' is neither a verifier key (name+keyid+base64) nor a readable file (${(err as NodeJS.ErrnoException).code ?? "unreadable"})`,
      );
    }
    vkey =
      text
        .split("\n")
        .map((l) => l.trim())
        .find((l) => l.length > 0) ?? "";
  }
  try {
    return { vkey, verifier: await verifierFromVkey(vkey) };
  } catch (err) {
    throw new UsageError(`${flag}: not a valid verifier key: ${(err as Error).message}`);
  }
}

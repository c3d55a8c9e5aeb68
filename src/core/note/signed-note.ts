/**
 * C2SP signed-note (c2sp.org/signed-note): a text ending in newline, one blank line, then one or
 * more lines "— <key name> <base64(key ID || signature)>\n" (U+2014 em dash).
 */
import { bytesEqual, concatBytes, fromBase64, toBase64, toHex, utf8 } from "../bytes";
import { MalformedNoteError, SignatureMismatchError, UnknownKeyError } from "./errors";
import { KEY_ID_LENGTH, checkKeyName, type NoteSigner, type NoteVerifier } from "./key";

const SIGNATURE_PREFIX = "\u2014 ";

/**
 * The spec says verifiers SHOULD bound the number of signatures and MUST accept at least 16;
 * the bound keeps a hostile note from costing unbounded verification work.
 */
export const MAX_SIGNATURES = 100;

/** A signature that verified against one of the caller's keys. */
export interface VerifiedSignature {
  readonly name: string;
  readonly keyId: Uint8Array;
}

export interface OpenedNote {
  /** The signed text, including its final newline. */
  readonly text: string;
  /** The signatures made by known keys, all verified, in note order. */
  readonly signatures: VerifiedSignature[];
}

/**
 * Signs `text` with every signer, in order.
 *
 * Preconditions (C2SP signed-note, "Format"): `text` is non-empty, ends in a newline, is
 * well-formed Unicode and contains no control characters other than newline. It MAY contain
 * blank lines: the text is separated from the signatures by the last blank line of the note.
 *
 * @throws MalformedNoteError when `text` breaks these rules or no signer is given.
 */
export async function signNote(text: string, signers: NoteSigner[]): Promise<string> {
  checkNoteCharacters(text, "note text");
  if (!text.endsWith("\n")) {
    throw new MalformedNoteError("note text must end in a newline", "final U+000A", describeEnd(text));
  }
  if (signers.length === 0) throw new MalformedNoteError("no signer", "at least one signer", "none");
  const message = utf8(text);
  let out = text + "\n";
  for (const signer of signers) {
    checkKeyName(signer.name);
    const signature = await signer.sign(message);
    out += `${SIGNATURE_PREFIX}${signer.name} ${toBase64(concatBytes(signer.keyId, signature))}\n`;
  }
  return out;
}

/**
 * Parses `note` and verifies it against `verifiers`.
 *
 * As the spec requires: signatures whose (name, key ID) pair matches no verifier are ignored;
 * one that matches MUST be verified, and a failure rejects the whole note; a note with no
 * verified signature from a known key is rejected.
 *
 * @throws MalformedNoteError when the note does not parse; SignatureMismatchError when a known
 *   key's signature does not verify; UnknownKeyError when no signature is from a known key.
 */
export async function openNote(note: string, verifiers: NoteVerifier[]): Promise<OpenedNote> {
  checkNoteCharacters(note, "note");
  if (!note.endsWith("\n")) {
    throw new MalformedNoteError("note must end in a newline", "final U+000A", describeEnd(note));
  }
  const split = note.lastIndexOf("\n\n");
  if (split < 0) {
    throw new MalformedNoteError("no blank line between text and signatures", "a blank line", "none");
  }
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split("\n");
  if (lines.length > MAX_SIGNATURES) {
    throw new MalformedNoteError("too many signatures", `at most ${MAX_SIGNATURES}`, `${lines.length}`);
  }

  const message = utf8(text);
  const verified: VerifiedSignature[] = [];
  const seen: string[] = [];
  for (const [i, line] of lines.entries()) {
    const sig = parseSignatureLine(line, i + 1);
    seen.push(`${sig.name}+${toHex(sig.keyId)}`);
    const verifier = verifiers.find((v) => v.name === sig.name && bytesEqual(v.keyId, sig.keyId));
    if (!verifier) continue;
    if (!(await verifier.verify(message, sig.signature))) {
      throw new SignatureMismatchError(
        `signature line ${i + 1} does not verify`,
        `a valid signature by ${verifier.name}+${toHex(verifier.keyId)}`,
        `${sig.signature.length}-byte signature that fails verification`,
      );
    }
    verified.push({ name: sig.name, keyId: sig.keyId });
  }
  if (verified.length === 0) {
    throw new UnknownKeyError(
      "no signature from a known key",
      verifiers.length === 0
        ? "(no keys given)"
        : verifiers.map((v) => `${v.name}+${toHex(v.keyId)}`).join(", "),
      seen.join(", "),
    );
  }
  return { text, signatures: verified };
}

interface SignatureLine {
  name: string;
  keyId: Uint8Array;
  signature: Uint8Array;
}

function parseSignatureLine(line: string, n: number): SignatureLine {
  const where = `signature line ${n}`;
  if (!line.startsWith(SIGNATURE_PREFIX)) {
    throw new MalformedNoteError(
      `${where} does not start with an em dash and a space`,
      '"\u2014 "',
      JSON.stringify(line.slice(0, 2)),
    );
  }
  const fields = line.slice(SIGNATURE_PREFIX.length).split(" ");
  if (fields.length !== 2) {
    throw new MalformedNoteError(
      `${where} is not "\u2014 <name> <signature>"`,
      "2 space-separated fields",
      `${fields.length}`,
    );
  }
  const [name, b64] = fields as [string, string];
  try {
    checkKeyName(name);
  } catch (e) {
    throw new MalformedNoteError(
      `${where} has a bad key name`,
      "a valid key name",
      e instanceof Error ? e.message : String(e),
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(b64);
  } catch {
    throw new MalformedNoteError(`${where} signature is not base64`, "standard base64", JSON.stringify(b64));
  }
  if (bytes.length <= KEY_ID_LENGTH) {
    throw new MalformedNoteError(
      `${where} signature is too short`,
      `more than ${KEY_ID_LENGTH} bytes`,
      `${bytes.length} bytes`,
    );
  }
  return { name, keyId: bytes.slice(0, KEY_ID_LENGTH), signature: bytes.slice(KEY_ID_LENGTH) };
}

/** "Signed notes MUST be valid UTF-8 and MUST NOT contain any ASCII control characters ... other than newline." */
function checkNoteCharacters(s: string, what: string): void {
  if (s.length === 0) throw new MalformedNoteError(`empty ${what}`, "non-empty text", "empty");
  const control = /[\u0000-\u0009\u000b-\u001f]/.exec(s);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).padStart(2, "0");
    throw new MalformedNoteError(
      `${what} contains a control character`,
      "no control character but newline",
      `0x${code} at offset ${control.index}`,
    );
  }
  // A lone surrogate would be replaced during UTF-8 encoding, so the signed bytes would differ from the text.
  const lone = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.exec(s);
  if (lone) {
    throw new MalformedNoteError(
      `${what} is not valid Unicode`,
      "well-formed UTF-16 (valid UTF-8)",
      `lone surrogate at offset ${lone.index}`,
    );
  }
}

function describeEnd(s: string): string {
  return s.length === 0 ? "empty text" : JSON.stringify(s.slice(-1));
}

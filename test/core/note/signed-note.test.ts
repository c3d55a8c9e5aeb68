import { describe, expect, it } from "vitest";
import { concatBytes, fromBase64, fromHex, toBase64, toHex, utf8 } from "../../../src/core/bytes";
import {
  MAX_SIGNATURES,
  MalformedNoteError,
  SignatureMismatchError,
  UnknownKeyError,
  formatCheckpoint,
  formatVerifierKey,
  openNote,
  parseCheckpoint,
  signNote,
  signerFromSeed,
  verifierFromPublicKey,
  verifierFromVkey,
  type NoteVerifier,
} from "../../../src/core/note";
import vector from "../../fixtures/signed-note.json";

/** RFC 9162 / RFC 6962 Merkle Tree Hash of the eight standard test leaves. */
const ROOT_8 = "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328";
const OTHER_SEED = fromHex("2020202020202020202020202020202020202020202020202020202020202020");

const signer = () => signerFromSeed(vector.key_name, fromHex(vector.ed25519_seed_hex));
const verifier = () => verifierFromVkey(vector.vkey);

/** The note's parts, split by hand so negative cases can alter exactly one of them. */
function parts(note: string) {
  const split = note.lastIndexOf("\n\n");
  const line = note.slice(split + 2, -1);
  const [, name, b64] = line.split(" ") as [string, string, string];
  return { text: note.slice(0, split + 1), name, sig: fromBase64(b64) };
}
const assemble = (text: string, name: string, sig: Uint8Array) =>
  `${text}\n\u2014 ${name} ${toBase64(sig)}\n`;

describe("the signed-note vector", () => {
  it("signing the 8-leaf checkpoint reproduces the exact note bytes", async () => {
    const text = formatCheckpoint({ origin: vector.key_name, size: 8, rootHash: fromHex(ROOT_8) });
    expect(await signNote(text, [await signer()])).toBe(vector.note);
  });

  it("opens with the vkey, reporting the key that verified", async () => {
    const opened = await openNote(vector.note, [await verifier()]);
    expect(opened.signatures.map((s) => [s.name, toHex(s.keyId)])).toEqual([
      [vector.key_name, vector.key_id_hex],
    ]);
    const checkpoint = parseCheckpoint(opened.text);
    expect(checkpoint.origin).toBe(vector.key_name);
    expect(checkpoint.size).toBe(8);
    expect(toHex(checkpoint.rootHash)).toBe(ROOT_8);
  });
});

describe("openNote rejects", () => {
  it("altered note text (one char changed)", async () => {
    const altered = vector.note.replace("\n8\n", "\n9\n");
    expect(altered).not.toBe(vector.note);
    await expect(openNote(altered, [await verifier()])).rejects.toThrow(SignatureMismatchError);
  });

  it("wrong key (another seed signs under the vector key's name and ID)", async () => {
    const other = await signerFromSeed(vector.key_name, OTHER_SEED);
    const { text, name } = parts(vector.note);
    const forged = assemble(
      text,
      name,
      concatBytes(fromHex(vector.key_id_hex), await other.sign(utf8(text))),
    );
    const err = await openNote(forged, [await verifier()]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SignatureMismatchError);
    expect((err as SignatureMismatchError).expected).toContain(`${vector.key_name}+${vector.key_id_hex}`);
  });

  it("flipped bit in signature", async () => {
    const { text, name, sig } = parts(vector.note);
    const flipped = sig.slice();
    flipped[20]! ^= 0x01;
    await expect(openNote(assemble(text, name, flipped), [await verifier()])).rejects.toThrow(
      SignatureMismatchError,
    );
  });

  it("truncated signature", async () => {
    const { text, name, sig } = parts(vector.note);
    await expect(
      openNote(assemble(text, name, sig.subarray(0, sig.length - 1)), [await verifier()]),
    ).rejects.toThrow(SignatureMismatchError);
  });

  it("missing blank line", async () => {
    const joined = vector.note.replace("\n\n", "\n");
    const err = await openNote(joined, [await verifier()]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MalformedNoteError);
    expect((err as Error).message).toMatch(/blank line/);
  });

  it("signature by unknown key only", async () => {
    const other = await signerFromSeed("other.example/log", OTHER_SEED);
    const note = await signNote(parts(vector.note).text, [other]);
    const err = await openNote(note, [await verifier()]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownKeyError);
    expect((err as UnknownKeyError).expected).toBe(`${vector.key_name}+${vector.key_id_hex}`);
    expect((err as UnknownKeyError).found).toBe(`other.example/log+${toHex(other.keyId)}`);
  });

  it("signature by a known name with another key ID (treated as unknown)", async () => {
    const other = await signerFromSeed(vector.key_name, OTHER_SEED);
    const note = await signNote(parts(vector.note).text, [other]);
    await expect(openNote(note, [await verifier()])).rejects.toThrow(UnknownKeyError);
  });

  it("no verifiers at all", async () => {
    await expect(openNote(vector.note, [])).rejects.toThrow(UnknownKeyError);
  });

  it("signature line without the em dash", async () => {
    await expect(openNote(vector.note.replace("\u2014", "-"), [await verifier()])).rejects.toThrow(/em dash/);
  });

  it("signature line with a third field", async () => {
    await expect(openNote(vector.note.replace(/\n$/, " x\n"), [await verifier()])).rejects.toThrow(
      MalformedNoteError,
    );
  });

  it("signature that is only a key ID", async () => {
    const { text, name } = parts(vector.note);
    await expect(
      openNote(assemble(text, name, fromHex(vector.key_id_hex)), [await verifier()]),
    ).rejects.toThrow(/too short/);
  });

  it("signature that is not base64", async () => {
    await expect(openNote(vector.note.replace(/=\n$/, "*\n"), [await verifier()])).rejects.toThrow(
      /not base64/,
    );
  });

  it("control characters and a missing final newline", async () => {
    const v = await verifier();
    await expect(openNote(vector.note.replace("\n8\n", "\n8\r\n"), [v])).rejects.toThrow(/control character/);
    await expect(openNote(vector.note.slice(0, -1), [v])).rejects.toThrow(/end in a newline/);
  });

  it(`more than ${MAX_SIGNATURES} signature lines`, async () => {
    const line = vector.note.slice(vector.note.lastIndexOf("\n\n") + 2);
    await expect(openNote(vector.note + line.repeat(MAX_SIGNATURES), [await verifier()])).rejects.toThrow(
      /too many/,
    );
  });
});

describe("openNote accepts", () => {
  it("ignores an unknown key's signature next to a known one", async () => {
    const other = await signerFromSeed("witness.example/w1", OTHER_SEED);
    const note = await signNote(parts(vector.note).text, [other, await signer()]);
    const opened = await openNote(note, [await verifier()]);
    expect(opened.signatures.map((s) => s.name)).toEqual([vector.key_name]);
  });

  it("verifies every known signature and reports them in note order", async () => {
    const other = await signerFromSeed("witness.example/w1", OTHER_SEED);
    const note = await signNote(parts(vector.note).text, [await signer(), other]);
    const verifiers: NoteVerifier[] = [
      await verifierFromPublicKey(other.name, other.publicKey),
      await verifier(),
    ];
    const opened = await openNote(note, verifiers);
    expect(opened.signatures.map((s) => s.name)).toEqual([vector.key_name, "witness.example/w1"]);
  });

  it("a text with blank lines, split at the last blank line", async () => {
    const text = "first\n\nsecond \u00e9 \u{1f600}\n";
    const note = await signNote(text, [await signer()]);
    const opened = await openNote(note, [
      await verifierFromVkey(formatVerifierKey(vector.key_name, fromHex(vector.public_key_hex))),
    ]);
    expect(opened.text).toBe(text);
  });
});

describe("signNote refuses", () => {
  it("text without a final newline, empty text, control characters, lone surrogates, no signer", async () => {
    const s = await signer();
    await expect(signNote("abc", [s])).rejects.toThrow(MalformedNoteError);
    await expect(signNote("", [s])).rejects.toThrow(MalformedNoteError);
    await expect(signNote("a\tb\n", [s])).rejects.toThrow(/control character/);
    await expect(signNote("a\ud800\n", [s])).rejects.toThrow(/lone surrogate/);
    await expect(signNote("abc\n", [])).rejects.toThrow(/no signer/);
  });
});

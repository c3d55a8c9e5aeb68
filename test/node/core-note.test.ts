// The CLI verifier runs the same core in Node: check the signed-note vector there too.
import { expect, it } from "vitest";
import { fromHex, toHex } from "../../src/core/bytes";
import {
  SignatureMismatchError,
  formatCheckpoint,
  formatVerifierKey,
  openNote,
  parseCheckpoint,
  signNote,
  signerFromSeed,
  verifierFromVkey,
} from "../../src/core/note";
import vector from "../fixtures/signed-note.json";

const ROOT_8 = "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328";

it("reproduces and verifies the signed-note vector in Node", async () => {
  const signer = await signerFromSeed(vector.key_name, fromHex(vector.ed25519_seed_hex));
  expect(toHex(signer.publicKey)).toBe(vector.public_key_hex);
  expect(toHex(signer.keyId)).toBe(vector.key_id_hex);
  expect(formatVerifierKey(signer.name, signer.publicKey)).toBe(vector.vkey);

  const text = formatCheckpoint({ origin: vector.key_name, size: 8, rootHash: fromHex(ROOT_8) });
  expect(await signNote(text, [signer])).toBe(vector.note);

  const verifier = await verifierFromVkey(vector.vkey);
  const opened = await openNote(vector.note, [verifier]);
  expect(toHex(parseCheckpoint(opened.text).rootHash)).toBe(ROOT_8);
  await expect(openNote(vector.note.replace("\n8\n", "\n9\n"), [verifier])).rejects.toThrow(
    SignatureMismatchError,
  );
});

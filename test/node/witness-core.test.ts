// tlog-cosignature/v1 against a vector computed here from the spec's definition with Node's
// own crypto, and the witness's add-checkpoint decisions for every status code the spec names.
import { describe, expect, it } from "vitest";
import { createHash, createPrivateKey, createPublicKey, sign } from "node:crypto";
import {
  cosignedMessage,
  cosignerFromSeed,
  formatCheckpoint,
  parseCosignerVkey,
  signNote,
  signerFromSeed,
  verifierFromPublicKey,
  verifyCosignatures,
  SignatureMismatchError,
} from "../../src/core/note";
import {
  consistencyProof,
  hashLeaf,
  merkleRoot,
  subtreeHashesFromLeaves,
  EMPTY_ROOT,
} from "../../src/core/merkle";
import {
  decideAddCheckpoint,
  formatAddCheckpoint,
  parseAddCheckpoint,
  type WitnessedCheckpoint,
} from "../../src/core/witness/add-checkpoint";
import { quorumPolicy, checkQuorum } from "../../src/cli/witness-quorum";
import { CheckFailedError, UsageError } from "../../src/cli/errors";

const SEED = Uint8Array.from({ length: 32 }, (_, i) => 0x20 + i);
const NAME = "witness.example/w1";
/** The checkpoint body of the spec's own example. */
const TEXT = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
const TIME = 1679315147;

/** The cosignature line built step by step from c2sp.org/tlog-cosignature with node:crypto. */
function specCosignature(): { line: string; vkey: string } {
  const der = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), Buffer.from(SEED)]);
  const priv = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
  const pub = Buffer.from(createPublicKey(priv).export({ format: "jwk" }).x as string, "base64url");
  const keyId = createHash("sha256")
    .update(Buffer.concat([Buffer.from(`${NAME}\n`), Buffer.from([0x04]), pub]))
    .digest()
    .subarray(0, 4);
  const message = Buffer.from(`cosignature/v1\ntime ${TIME}\n${TEXT}`);
  const timestamp = Buffer.alloc(8);
  timestamp.writeBigUInt64BE(BigInt(TIME));
  const signature = sign(null, message, priv);
  return {
    line: `\u2014 ${NAME} ${Buffer.concat([keyId, timestamp, signature]).toString("base64")}\n`,
    vkey: `${NAME}+${keyId.toString("hex")}+${Buffer.concat([Buffer.from([0x04]), pub]).toString("base64")}`,
  };
}

describe("tlog-cosignature/v1 (Ed25519)", () => {
  it("matches the vector computed from the spec's definition for a fixed key and timestamp", async () => {
    const cosigner = await cosignerFromSeed(NAME, SEED);
    const expected = specCosignature();
    const line = await cosigner.cosign(TEXT, TIME);
    expect(line).toBe(expected.line);
    // Pinned, so a change in both computations would still show.
    expect(line).toBe(
      "\u2014 witness.example/w1 IDJKvgAAAABkGFDL6ade/xdmW0GepsICyPher/bBsso0aCocxkD4MgnQ2J3N/61CxrucC0uO4wzUWe3K7XvjkEYtewKXIfP/U7l4Cw==\n",
    );
    expect(parseCosignerVkey(expected.vkey).name).toBe(NAME);
    expect(new TextDecoder().decode(cosignedMessage(TEXT, TIME))).toBe(
      `cosignature/v1\ntime 1679315147\n${TEXT}`,
    );
  });

  it("verifies cosignatures on a note, ignores unknown keys, and refuses an altered one", async () => {
    const cosigner = await cosignerFromSeed(NAME, SEED);
    const other = await cosignerFromSeed("witness.example/w2", new Uint8Array(32).fill(9));
    const note = `${TEXT}\n\u2014 example.com/behind-the-sofa AAAAAAAA\n${await cosigner.cosign(TEXT, TIME)}${await other.cosign(TEXT, TIME + 1)}`;
    const valid = await verifyCosignatures(note, [cosigner]);
    expect(valid.map((v) => [v.name, v.timestamp])).toEqual([[NAME, TIME]]);
    expect(await verifyCosignatures(note, [cosigner, other])).toHaveLength(2);
    const altered = note.replace("20852163", "20852164");
    await expect(verifyCosignatures(altered, [cosigner])).rejects.toThrow(SignatureMismatchError);
    expect(() =>
      parseCosignerVkey(
        `${NAME}+00000000+${Buffer.concat([Buffer.from([4]), Buffer.from(cosigner.publicKey)]).toString("base64")}`,
      ),
    ).toThrow(/does not match/);
  });

  it("a verifier demanding a quorum the checkpoint lacks fails with a clear message", async () => {
    const cosigner = await cosignerFromSeed(NAME, SEED);
    const other = await cosignerFromSeed("witness.example/w2", new Uint8Array(32).fill(9));
    const note = `${TEXT}\n${await cosigner.cosign(TEXT, TIME)}`;
    const vkeys = [
      specCosignature().vkey,
      `witness.example/w2+${Buffer.from(other.keyId).toString("hex")}+${Buffer.concat([Buffer.from([4]), Buffer.from(other.publicKey)]).toString("base64")}`,
    ];
    expect((await checkQuorum(note, quorumPolicy(vkeys, 1)!)).detail).toContain("1 of 2 witnesses");
    const short = await checkQuorum(note, quorumPolicy(vkeys, 2)!).catch((e: unknown) => e);
    expect(short).toBeInstanceOf(CheckFailedError);
    expect((short as CheckFailedError).message).toBe(
      "the checkpoint carries 1 valid cosignature from the given witnesses, short of the quorum of 2 of 2",
    );
    expect(() => quorumPolicy(vkeys, 3)).toThrow(UsageError);
    expect(() => quorumPolicy(undefined, 1)).toThrow(UsageError);
  });
});

describe("add-checkpoint decisions", async () => {
  const ORIGIN = "log.example/acme/0";
  const logSigner = await signerFromSeed(ORIGIN, new Uint8Array(32).fill(1));
  const stranger = await signerFromSeed(ORIGIN, new Uint8Array(32).fill(2));
  const logs = new Map([[ORIGIN, [await verifierFromPublicKey(ORIGIN, logSigner.publicKey)]]]);
  const cosigner = await cosignerFromSeed(NAME, SEED);
  const leaves = (tag: string, n: number) =>
    Array.from({ length: n }, (_, i) => hashLeaf(new TextEncoder().encode(`${tag} ${i}`)));
  const main = leaves("main", 20);
  const fork = [...main.slice(0, 5), ...leaves("fork", 15)];
  const checkpoint = (tree: Uint8Array[], size: number, signer = logSigner) =>
    signNote(formatCheckpoint({ origin: ORIGIN, size, rootHash: merkleRoot(tree.slice(0, size)) }), [signer]);
  const proof = (tree: Uint8Array[], from: number, to: number) =>
    consistencyProof(from, to, subtreeHashesFromLeaves(tree.slice(0, to)));
  const decide = async (oldSize: number, p: Uint8Array[], note: string, last: WitnessedCheckpoint | null) => {
    const parsed = parseAddCheckpoint(formatAddCheckpoint(oldSize, p, note));
    if ("error" in parsed) throw new Error(parsed.error);
    return decideAddCheckpoint(parsed, logs, last, cosigner, TIME);
  };

  it("cosigns a first checkpoint from old size 0, then a consistent extension", async () => {
    const first = await decide(0, [], await checkpoint(main, 8), null);
    expect(first.status).toBe(200);
    if (first.status !== 200) return;
    expect((await verifyCosignatures(first.record.note, [cosigner]))[0]!.timestamp).toBe(TIME);
    const next = await decide(8, proof(main, 8, 20), await checkpoint(main, 20), first.record);
    expect(next.status).toBe(200);
  });

  it("answers 409 with the size it has, 422 for a fork or bad proof, 404, 403 and 400 as the spec says", async () => {
    const at8 = await decide(0, [], await checkpoint(main, 8), null);
    if (at8.status !== 200) throw new Error("setup");
    expect(await decide(0, [], await checkpoint(main, 20), at8.record)).toEqual({ status: 409, size: 8 });
    // Same key and origin, a different history after leaf 5: refused.
    expect((await decide(8, proof(fork, 8, 20), await checkpoint(fork, 20), at8.record)).status).toBe(422);
    expect((await decide(8, [], await checkpoint(fork, 8), at8.record)).status).toBe(422);
    expect((await decide(8, [EMPTY_ROOT], await checkpoint(main, 20), at8.record)).status).toBe(422);
    expect((await decide(0, [EMPTY_ROOT], await checkpoint(main, 20), null)).status).toBe(422);
    expect((await decide(21, [], await checkpoint(main, 20), at8.record)).status).toBe(400);
    expect((await decide(0, [], await checkpoint(main, 20, stranger), null)).status).toBe(403);
    const forged = (await checkpoint(main, 20)).replace(
      / (\S+)\n$/,
      (_, b64: string) => ` ${b64.slice(0, 8)}${b64[8] === "A" ? "B" : "A"}${b64.slice(9)}\n`,
    );
    expect((await decide(0, [], forged, null)).status).toBe(403);
    const unknown = await signNote(
      formatCheckpoint({ origin: "other.example/log", size: 1, rootHash: main[0]! }),
      [await signerFromSeed("other.example/log", SEED)],
    );
    expect((await decide(0, [], unknown, null)).status).toBe(404);
    expect(parseAddCheckpoint("old 01\n\nx")).toHaveProperty("error");
    expect(parseAddCheckpoint(`old 1\n${"AAAA\n"}\nx`)).toHaveProperty("error");
  });
});

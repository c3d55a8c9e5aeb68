/**
 * Browser-side check of the witness cosignatures a checkpoint carries (C2SP tlog-cosignature,
 * cosignature/v1 lines appended to the signed note): for each witness the tenant configured
 * (as `GET /v1/logs/{log}/witnesses` lists them) and each witness key the user pinned, whether
 * the checkpoint carries a valid cosignature by that key. Runs the same `src/core` code as
 * `edgelog verify --witness`, on the browser's WebCrypto.
 */
import { toHex } from "../core/bytes";
import { parseCosignerVkey, verifyCosignatures, type CosignerKey } from "../core/note";
import type { KeySource } from "./key-ring";

/** One entry of `GET /v1/logs/{log}/witnesses`. */
export interface WitnessInfo {
  witness: string;
  vkey: string;
  size: number;
  status: string;
  at?: string;
}

export type CosignatureVerdict =
  | { readonly state: "verified"; readonly timestamp: number }
  | { readonly state: "absent" }
  | { readonly state: "failed"; readonly message: string };

export interface WitnessCheck {
  readonly name: string;
  /** `name+keyidhex` of the key checked against, or the name alone when the listed key is unusable. */
  readonly label: string;
  readonly source: KeySource;
  readonly verdict: CosignatureVerdict;
  /** The server's record of this witness's progress; null for a pinned witness it does not list. */
  readonly progress: WitnessInfo | null;
}

export interface CosignatureReport {
  readonly witnesses: readonly WitnessCheck[];
  /** How many witnesses' cosignatures verified. */
  readonly verified: number;
  /** Names on signature lines that are neither the log's own nor a checked witness's. */
  readonly otherSigners: readonly string[];
}

const SIGNATURE_PREFIX = "\u2014 ";

/** The key names on the note's signature lines, in order (unverified). */
function signerNames(note: string): string[] {
  const split = note.lastIndexOf("\n\n");
  if (split < 0) return [];
  return note
    .slice(split + 2)
    .split("\n")
    .filter((line) => line.startsWith(SIGNATURE_PREFIX))
    .map((line) => line.slice(SIGNATURE_PREFIX.length).split(" ")[0]!);
}

async function checkOne(
  note: string,
  key: CosignerKey,
  names: readonly string[],
): Promise<CosignatureVerdict> {
  try {
    const [found] = await verifyCosignatures(note, [key]);
    if (found) return { state: "verified", timestamp: found.timestamp };
  } catch (err) {
    return { state: "failed", message: err instanceof Error ? err.message : String(err) };
  }
  // A line in the witness's name that is not by this key: another key claims to be the witness.
  if (names.includes(key.name))
    return {
      state: "failed",
      message: `a cosignature line names ${key.name} but is not by key ${toHex(key.keyId)}`,
    };
  return { state: "absent" };
}

/**
 * Checks `note`'s cosignatures for every witness in `listed` (the pinned key replacing the
 * listed one when `pinned` has one for its name) and for every pinned witness not listed.
 *
 * Precondition: `note` is the checkpoint as served, its log signature already verified.
 */
export async function checkCosignatures(
  note: string,
  logOrigin: string,
  listed: readonly WitnessInfo[],
  pinned: readonly CosignerKey[],
): Promise<CosignatureReport> {
  const names = signerNames(note);
  const checks: WitnessCheck[] = [];
  for (const info of listed) {
    const pin = pinned.find((p) => p.name === info.witness);
    let key: CosignerKey;
    try {
      key = pin ?? parseCosignerVkey(info.vkey);
    } catch (err) {
      checks.push({
        name: info.witness,
        label: info.witness,
        source: "server",
        verdict: { state: "failed", message: `listed key unusable: ${(err as Error).message}` },
        progress: info,
      });
      continue;
    }
    checks.push({
      name: info.witness,
      label: `${key.name}+${toHex(key.keyId)}`,
      source: pin ? "pinned" : "server",
      verdict: await checkOne(note, key, names),
      progress: info,
    });
  }
  for (const pin of pinned) {
    if (listed.some((info) => info.witness === pin.name)) continue;
    checks.push({
      name: pin.name,
      label: `${pin.name}+${toHex(pin.keyId)}`,
      source: "pinned",
      verdict: await checkOne(note, pin, names),
      progress: null,
    });
  }
  const known = new Set([logOrigin, ...checks.map((c) => c.name)]);
  return {
    witnesses: checks,
    verified: checks.filter((c) => c.verdict.state === "verified").length,
    otherSigners: [...new Set(names.filter((n) => !known.has(n)))],
  };
}

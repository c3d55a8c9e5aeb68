/**
 * Verifier keys the user pins, obtained independently of the server being audited, one per
 * line, kept in the tab's sessionStorage:
 * - signer vkeys (C2SP signed-note `name+keyid+base64(0x01||pubkey)`): used instead of the key
 *   the server hands out for the log or head whose origin is the key's name;
 * - witness vkeys (C2SP tlog-cosignature `name+keyid+base64(0x04||pubkey)`): used instead of the
 *   key the server lists for the witness of that name.
 * So a server that signs, or shows cosignatures, with another key fails visibly instead of
 * being checked against a key of its own choosing.
 */
import { fromBase64, toHex } from "../core/bytes";
import { parseCosignerVkey, verifierFromVkey, type CosignerKey, type NoteVerifier } from "../core/note";
import type { KeyValueStore } from "./dom";

export const PINNED_ITEM = "edgelog.pinnedKeys";

interface PinBase {
  /** The vkey as pasted (trimmed). */
  readonly vkey: string;
  /** `name+keyidhex`, as signature lines name keys. */
  readonly label: string;
}

/** A log's or the head's signing key. */
export interface PinnedKey extends PinBase {
  readonly kind: "signer";
  readonly verifier: NoteVerifier;
}

/** A witness's cosigning key. */
export interface PinnedWitness extends PinBase {
  readonly kind: "witness";
  readonly cosigner: CosignerKey;
}

export type Pin = PinnedKey | PinnedWitness;

/** The type byte of a vkey's key data (0x01 signer, 0x04 witness), or null when it has none. */
function keyType(vkey: string): number | null {
  // name+keyid+data: names and key IDs have no "+", base64 data may.
  const second = vkey.indexOf("+", vkey.indexOf("+") + 1);
  if (second < 0) return null;
  try {
    return fromBase64(vkey.slice(second + 1))[0] ?? null;
  } catch {
    return null;
  }
}

async function parsePin(vkey: string): Promise<Pin> {
  if (keyType(vkey) === 0x04) {
    const cosigner = parseCosignerVkey(vkey);
    return { kind: "witness", vkey, label: `${cosigner.name}+${toHex(cosigner.keyId)}`, cosigner };
  }
  const verifier = await verifierFromVkey(vkey);
  return { kind: "signer", vkey, label: `${verifier.name}+${toHex(verifier.keyId)}`, verifier };
}

const pinName = (pin: Pin): string => (pin.kind === "signer" ? pin.verifier.name : pin.cosigner.name);

/** A pasted line that is not a verifier key, or two keys for one name. */
export class PinError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = "PinError";
    this.line = line;
  }
}

/**
 * Parses `text`: one vkey per non-empty line, a signer or a witness key. At most one key of
 * each kind per name, since the name is the origin or witness it is used for.
 *
 * @throws PinError naming the first line that is not a verifier key, or repeats a name.
 */
export async function parsePins(text: string): Promise<Pin[]> {
  const pins: Pin[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const vkey = raw.trim();
    if (vkey === "") continue;
    let pin: Pin;
    try {
      pin = await parsePin(vkey);
    } catch (err) {
      throw new PinError(
        i + 1,
        `not a verifier key (name+keyid+key): ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    if (pins.some((p) => p.kind === pin.kind && pinName(p) === pinName(pin)))
      throw new PinError(
        i + 1,
        `a second ${pin.kind === "witness" ? "witness " : ""}key for ${pinName(pin)}`,
      );
    pins.push(pin);
  }
  return pins;
}

/** The pins of this tab, kept in `store` (sessionStorage) so they survive a reload but not the tab. */
export class PinnedKeys {
  private pins: readonly Pin[] = [];

  constructor(private readonly store: KeyValueStore) {}

  /** Reads the pins kept for this tab; a stored value that no longer parses is dropped. */
  async load(): Promise<void> {
    const kept = this.store.getItem(PINNED_ITEM);
    if (kept === null) return;
    try {
      this.pins = await parsePins(kept);
    } catch {
      this.store.removeItem(PINNED_ITEM);
      this.pins = [];
    }
  }

  /** Replaces the pins with those in `text` (nothing changes when a line is invalid). */
  async set(text: string): Promise<readonly Pin[]> {
    const pins = await parsePins(text);
    this.pins = pins;
    if (pins.length === 0) this.store.removeItem(PINNED_ITEM);
    else this.store.setItem(PINNED_ITEM, pins.map((p) => p.vkey).join("\n"));
    return pins;
  }

  clear(): void {
    this.pins = [];
    this.store.removeItem(PINNED_ITEM);
  }

  list(): readonly Pin[] {
    return this.pins;
  }

  /** The pinned signer key named `origin`, if any. */
  forOrigin(origin: string): PinnedKey | undefined {
    return this.pins.find((p): p is PinnedKey => p.kind === "signer" && p.verifier.name === origin);
  }

  /** The pinned witness key named `name`, if any. */
  forWitness(name: string): PinnedWitness | undefined {
    return this.pins.find((p): p is PinnedWitness => p.kind === "witness" && p.cosigner.name === name);
  }
}

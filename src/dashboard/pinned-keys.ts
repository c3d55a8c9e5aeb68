/**
 * Verifier keys the user pins: vkeys (C2SP signed-note `name+keyid+base64(0x01||pubkey)`)
 * obtained independently of the server being audited, one per line, kept in the tab's
 * sessionStorage. A pinned key is used instead of the key the server hands out for the log or
 * head whose origin is the key's name, so a server that signs with another key fails visibly
 * instead of being checked against a key of its own choosing.
 */
import { toHex } from "../core/bytes";
import { verifierFromVkey, type NoteVerifier } from "../core/note";
import type { KeyValueStore } from "./dom";

export const PINNED_ITEM = "edgelog.pinnedKeys";

export interface PinnedKey {
  /** The vkey as pasted (trimmed). */
  readonly vkey: string;
  /** `name+keyidhex`, as the checkpoints' signature lines name keys. */
  readonly label: string;
  readonly verifier: NoteVerifier;
}

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
 * Parses `text`: one vkey per non-empty line. At most one key per name, since the name is the
 * origin it is used for.
 *
 * @throws PinError naming the first line that is not a verifier key, or repeats a name.
 */
export async function parsePins(text: string): Promise<PinnedKey[]> {
  const pins: PinnedKey[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const vkey = raw.trim();
    if (vkey === "") continue;
    let verifier: NoteVerifier;
    try {
      verifier = await verifierFromVkey(vkey);
    } catch (err) {
      throw new PinError(
        i + 1,
        `not a verifier key (name+keyid+key): ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    if (pins.some((p) => p.verifier.name === verifier.name))
      throw new PinError(i + 1, `a second key for ${verifier.name}`);
    pins.push({ vkey, label: `${verifier.name}+${toHex(verifier.keyId)}`, verifier });
  }
  return pins;
}

/** The pins of this tab, kept in `store` (sessionStorage) so they survive a reload but not the tab. */
export class PinnedKeys {
  private pins: readonly PinnedKey[] = [];

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
  async set(text: string): Promise<readonly PinnedKey[]> {
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

  list(): readonly PinnedKey[] {
    return this.pins;
  }

  /** The pinned key named `origin`, if any. */
  forOrigin(origin: string): PinnedKey | undefined {
    return this.pins.find((p) => p.verifier.name === origin);
  }
}

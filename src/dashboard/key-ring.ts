/**
 * The verifier keys checkpoints are checked with: for each log (and the tenant head), the key
 * the user pinned for its origin when there is one, else the key the server serves. Every
 * answer says which of the two it is, so the page can show it.
 *
 * A server key is fetched once per log: a log's key is its identity and does not change while
 * the page is open; a failed fetch is not cached, so a log that has not been written yet is
 * asked again later. Pins are read at each call, so a new pin applies at the next check.
 */
import type { ApiClient } from "./api";
import { toHex } from "../core/bytes";
import { verifierFromVkey, type CosignerKey, type NoteVerifier } from "../core/note";
import type { PinnedKeys } from "./pinned-keys";

/** Where a verifier key came from: pinned by the user, or served by the server being audited. */
export type KeySource = "pinned" | "server";

export interface UsedKey {
  readonly verifier: NoteVerifier;
  readonly source: KeySource;
  /** `name+keyidhex`. */
  readonly label: string;
}

function used(verifier: NoteVerifier, source: KeySource): UsedKey {
  return { verifier, source, label: `${verifier.name}+${toHex(verifier.keyId)}` };
}

export class KeyRing {
  private readonly api: ApiClient;
  private readonly pins: PinnedKeys;
  private readonly served = new Map<string, Promise<NoteVerifier>>();
  /** The origin of each log asked for, to find its pin again in `known`. */
  private readonly origins = new Map<string, string>();

  constructor(api: ApiClient, pins: PinnedKeys) {
    this.api = api;
    this.pins = pins;
  }

  private fromServer(log: string): Promise<NoteVerifier> {
    let found = this.served.get(log);
    if (!found) {
      found = this.api.logKey(log).then(verifierFromVkey);
      found.catch(() => this.served.delete(log));
      this.served.set(log, found);
    }
    return found;
  }

  /** The key for log `log` (its shard number) whose origin is `origin`. */
  async forLog(log: string, origin: string): Promise<UsedKey> {
    this.origins.set(log, origin);
    const pinned = this.pins.forOrigin(origin);
    if (pinned) return used(pinned.verifier, "pinned");
    return used(await this.fromServer(log), "server");
  }

  /** The key for the tenant head whose note names `origin`. */
  async forHead(origin: string): Promise<UsedKey> {
    const pinned = this.pins.forOrigin(origin);
    if (pinned) return used(pinned.verifier, "pinned");
    return used(await verifierFromVkey(await this.api.headKey()), "server");
  }

  /** Every witness key the user pinned (they replace the keys the server lists for those names). */
  pinnedWitnesses(): CosignerKey[] {
    return this.pins.list().flatMap((p) => (p.kind === "witness" ? [p.cosigner] : []));
  }

  /** The key of every log already asked for, by log name (for checking the tenant head's entries). */
  async known(): Promise<Map<string, NoteVerifier>> {
    const out = new Map<string, NoteVerifier>();
    for (const [log, origin] of this.origins) {
      try {
        out.set(log, (await this.forLog(log, origin)).verifier);
      } catch {
        // not written yet: the head lists no checkpoint for it either
      }
    }
    return out;
  }
}

/**
 * The logs' verifier keys, fetched once per log and parsed into WebCrypto verifiers. A log's
 * key is its identity and does not change while the page is open, so caching is safe; a failed
 * fetch is not cached, so a log that has not been written yet is asked again later.
 */
import type { ApiClient } from "./api";
import { verifierFromVkey, type NoteVerifier } from "../core/note";

export class KeyRing {
  private readonly api: ApiClient;
  private readonly byLog = new Map<string, Promise<NoteVerifier>>();

  constructor(api: ApiClient) {
    this.api = api;
  }

  /** The verifier of log `log` (its shard number), from `GET /v1/logs/{log}/key`. */
  forLog(log: string): Promise<NoteVerifier> {
    let found = this.byLog.get(log);
    if (!found) {
      found = this.api.logKey(log).then(verifierFromVkey);
      found.catch(() => this.byLog.delete(log));
      this.byLog.set(log, found);
    }
    return found;
  }

  /** Verifiers of every log already fetched, by log name (for checking the tenant head). */
  async known(): Promise<Map<string, NoteVerifier>> {
    const out = new Map<string, NoteVerifier>();
    for (const [log, pending] of this.byLog) {
      try {
        out.set(log, await pending);
      } catch {
        // not written yet: the head lists no checkpoint for it either
      }
    }
    return out;
  }
}

/**
 * The client's record of what it sent and what the server acknowledged. The contract checked
 * against it: an acknowledged event (status accepted or duplicate in a 200/207 answer) is stored
 * exactly once, under one seq that never changes; an event sent but never acknowledged may or
 * may not be stored; nothing that was never sent is stored.
 */
import { utf8 } from "../../../../src/core/bytes";
import { canonicalJson } from "../../../../src/core/canonical";
import { sha256Hex } from "../../../../src/core/digest";

export interface SentEvent {
  id: string;
  event: Record<string, unknown>;
}

/** The event id the server must derive: SHA-256 of the RFC 8785 canonical event. */
export async function eventId(event: unknown): Promise<string> {
  return sha256Hex(utf8(canonicalJson(event)));
}

export class IngestLedger {
  /** Every event ever sent, in the order first sent. */
  readonly sent: SentEvent[] = [];
  private readonly sentIds = new Set<string>();
  /** id → seq, for every acknowledged event. */
  readonly acked = new Map<string, number>();
  /** Acknowledged since the last `takeFresh`. */
  private fresh = new Set<string>();
  /** Contract violations seen in answers (kept, not thrown, so writers keep going). */
  readonly violations: string[] = [];

  wasSent(id: string): boolean {
    return this.sentIds.has(id);
  }

  noteSent(e: SentEvent): void {
    if (this.sentIds.has(e.id)) return;
    this.sentIds.add(e.id);
    this.sent.push(e);
  }

  /** Records an acknowledgement; a second one must name the same seq. */
  noteAck(id: string, seq: number, context: string): void {
    const prior = this.acked.get(id);
    if (prior === undefined) {
      this.acked.set(id, seq);
      this.fresh.add(id);
    } else if (prior !== seq) {
      this.violations.push(`${context}: event ${id} acknowledged at seq ${prior} earlier, now at seq ${seq}`);
    }
  }

  /** The ids acknowledged since the previous call. */
  takeFresh(): string[] {
    const out = [...this.fresh];
    this.fresh = new Set();
    return out;
  }
}

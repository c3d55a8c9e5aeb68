/**
 * A client that keeps ingesting until told to stop: batches of new events mixed with resends of
 * events sent before (acknowledged or not) and, now and then, an event that reuses another's
 * (decision_id, sequence_number) with other content (a conflict, which must still be stored).
 * Requests vary between JSON and NDJSON, plain and gzip, with and without `?wait=sealed`.
 */
import { gzipSync } from "node:zlib";
import { makeEvent } from "../../../support/events";
import { eventId, type IngestLedger, type SentEvent } from "./ingest-ledger";
import { isDevReload, type Caller } from "./caller";
import type { Prng } from "./prng";
import { TIERS, type IngestResponse } from "../../../../src/core/protocol";

export interface WriterOptions {
  caller: Caller;
  ledger: IngestLedger;
  rng: Prng;
  /** A label unique to this writer and cycle, put in decision ids. */
  label: string;
  batchSize: number;
  shouldStop: () => boolean;
}

export interface WriterStats {
  requests: number;
  acknowledged: number;
  /** Requests that got no usable answer (the server was killed under them). */
  unanswered: number;
  waitSealed: number;
}

async function freshEvent(rng: Prng, label: string, n: number, ledger: IngestLedger): Promise<SentEvent> {
  const conflictWith = ledger.sent.length > 0 && rng.chance(0.03) ? rng.pick(ledger.sent) : null;
  const tier = rng.pick(TIERS);
  const event = conflictWith
    ? {
        ...conflictWith.event,
        decision_logic: { logic_type: "rule_based", output: `conflicting-${label}-${n}` },
      }
    : makeEvent({
        decisionId: `${label}-${n}`,
        sequenceNumber: rng.int(0, 3),
        tier,
        output: rng.pick(["approve", "decline", "review"]),
        ...(tier === "lightweight" ? {} : { risk: rng.pick(["low", "medium", "high", "critical"] as const) }),
      });
  return { id: await eventId(event), event };
}

export async function runWriter(opts: WriterOptions): Promise<WriterStats> {
  const { caller, ledger, rng, label } = opts;
  const stats: WriterStats = { requests: 0, acknowledged: 0, unanswered: 0, waitSealed: 0 };
  let n = 0;
  while (!opts.shouldStop()) {
    const batch: SentEvent[] = [];
    for (let i = 0; i < opts.batchSize; i++) {
      if (ledger.sent.length > 0 && rng.chance(0.15)) batch.push(rng.pick(ledger.sent));
      else if (batch.length > 0 && rng.chance(0.02)) batch.push(rng.pick(batch));
      else batch.push(await freshEvent(rng, label, n++, ledger));
    }
    const wait = rng.chance(0.3);
    const ndjson = rng.chance(0.25);
    const gzip = rng.chance(0.2);
    const text = ndjson
      ? batch.map((e) => JSON.stringify(e.event)).join("\n") + "\n"
      : JSON.stringify(batch.map((e) => e.event));
    const headers: Record<string, string> = {
      authorization: `Bearer ${caller.key}`,
      "content-type": ndjson ? "application/x-ndjson" : "application/json",
    };
    if (gzip) headers["content-encoding"] = "gzip";
    for (const e of batch) ledger.noteSent(e);
    stats.requests++;
    if (wait) stats.waitSealed++;
    let status: number;
    let answer: string;
    try {
      const res = await fetch(`${caller.url}/v1/events${wait ? "?wait=sealed" : ""}`, {
        method: "POST",
        headers,
        body: gzip ? gzipSync(text) : text,
        signal: AbortSignal.timeout(30_000),
      });
      status = res.status;
      answer = await res.text();
    } catch (err) {
      stats.unanswered++;
      if (opts.shouldStop()) break;
      ledger.violations.push(`${label}: request failed while the server was up: ${String(err)}`);
      continue;
    }
    if (isDevReload(status, answer)) {
      stats.unanswered++;
      continue;
    }
    let body: Partial<IngestResponse>;
    try {
      body = JSON.parse(answer) as Partial<IngestResponse>;
    } catch {
      if (!opts.shouldStop())
        ledger.violations.push(
          `${label}: ingest answered ${status} with a body that is not JSON: ${answer.slice(0, 200)}`,
        );
      continue;
    }
    if (status !== 200) {
      // Every event is valid, so anything but 200 is wrong — unless the server is going away.
      if (!opts.shouldStop())
        ledger.violations.push(`${label}: ingest answered ${status}: ${JSON.stringify(body).slice(0, 300)}`);
      continue;
    }
    const results = body.results ?? [];
    if (results.length !== batch.length) {
      ledger.violations.push(`${label}: ${batch.length} events sent, ${results.length} results`);
      continue;
    }
    for (const r of results) {
      const sent = batch[r.index]!;
      if (r.status !== "accepted" && r.status !== "duplicate") {
        ledger.violations.push(`${label}: valid event ${sent.id} answered ${r.status}`);
        continue;
      }
      if (r.id !== sent.id)
        ledger.violations.push(`${label}: event id should be ${sent.id}, server said ${r.id}`);
      if (typeof r.seq !== "number") {
        ledger.violations.push(`${label}: acknowledged ${sent.id} without a seq`);
        continue;
      }
      if (wait && (typeof r.batch !== "number" || typeof r.leaf_index !== "number")) {
        ledger.violations.push(`${label}: ?wait=sealed answered ${sent.id} without batch and leaf_index`);
      }
      ledger.noteAck(sent.id, r.seq, label);
      stats.acknowledged++;
    }
  }
  return stats;
}

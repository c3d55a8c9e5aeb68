/** `edgelog send`: batched upload of events from a file or stdin. */
import { defineCommand, onePositional } from "../command";
import { EXIT_FAILED, EXIT_OK, UsageError } from "../errors";
import { readInput } from "../input";
import { formatCount, formatDuration, ProgressBar } from "../progress";
import { chunkItems, detectFormat, parseItems, refusedBeforeSending } from "../send/items";
import { upload, type ItemOutcome } from "../send/upload";
import { DEFAULT_INGEST_LIMITS } from "../../core/protocol";

/** The API's per-request limits as a deployment sets them by default (README, "Limits"). */
const MAX_EVENTS_PER_REQUEST = DEFAULT_INGEST_LIMITS.maxEventsPerRequest;
const MAX_BODY_BYTES = DEFAULT_INGEST_LIMITS.maxBodyBytes;
const MAX_DECOMPRESSED_BYTES = DEFAULT_INGEST_LIMITS.maxDecompressedBytes;
/** Room for the body's framing so a chunk never lands exactly on the limit. */
const BODY_SLACK = 4096;
const ERRORS_SHOWN = 10;

export const send = defineCommand({
  name: "send",
  summary: "upload events in batches, with retries",
  usage: "edgelog send <file.ndjson|file.json|-> [--batch 500] [--gzip] [--concurrency 4] [--wait-sealed]",
  help: `Uploads events in requests of --batch events (at most ${MAX_EVENTS_PER_REQUEST}, and at most ${MAX_BODY_BYTES / 1024 / 1024} MiB
per request). 429/503 answers are retried after their Retry-After, network
errors with exponential backoff and jitter; resending is safe because event ids
are content-addressed (a resent event is answered 'duplicate').
Prints accepted/duplicates/rejected/conflicts and the first ${ERRORS_SHOWN} errors (input
index, NDJSON line, JSON pointer). Events that JSON cannot carry exactly (I-JSON,
RFC 7493: a duplicate member name, a number a double does not hold such as
9007199254740993, a lone surrogate) are refused before sending, with the
server's messages. Exits 1 when any event was rejected.

  <file>               .ndjson/.jsonl (one event per line), .json (an array or
                       one event), or - for stdin (format detected)
  --batch <n>          events per request (default 500)
  --gzip               compress requests (Content-Encoding: gzip)
  --concurrency <n>    requests in flight (default 4)
  --wait-sealed        each request returns once its events are sealed`,
  flags: {
    batch: { type: "integer", min: 1 },
    gzip: { type: "boolean" },
    concurrency: { type: "integer", min: 1 },
    "wait-sealed": { type: "boolean" },
  },
  async run(ctx, { flags, positionals }) {
    const source = onePositional(positionals, "input file (or - for stdin)", "send");
    const batch = flags.batch ?? 500;
    if (batch > MAX_EVENTS_PER_REQUEST)
      throw new UsageError(`--batch is at most ${MAX_EVENTS_PER_REQUEST} (the API's limit per request)`);
    const client = ctx.client();
    const text = await readInput(ctx.io, source);
    const items = parseItems(text, detectFormat(source, text), source === "-" ? "standard input" : source);
    if (items.length === 0) throw new UsageError(`send: ${source} holds no events`);
    const gzip = flags.gzip === true;
    // Events that break I-JSON are refused here, with the server's messages, and not sent.
    const outcomes: ItemOutcome[] = items.filter((i) => i.errors).map(refusedBeforeSending);
    const chunks = chunkItems(
      items.filter((i) => !i.errors),
      batch,
      (gzip ? MAX_DECOMPRESSED_BYTES : MAX_BODY_BYTES) - BODY_SLACK,
    );

    const bar = new ProgressBar({
      stream: ctx.io.stderr,
      label: "send",
      unit: "events",
      total: items.length,
      now: ctx.io.now,
    });
    const started = ctx.io.now();
    bar.update(outcomes.length);
    const stats = await upload({
      client,
      chunks,
      concurrency: flags.concurrency ?? 4,
      gzip,
      waitSealed: flags["wait-sealed"] === true,
      maxBodyBytes: MAX_BODY_BYTES - BODY_SLACK,
      onItems: (list) => {
        outcomes.push(...list);
        bar.update(outcomes.length);
      },
    }).finally(() => bar.finish());
    const ms = ctx.io.now() - started;

    outcomes.sort((a, b) => a.index - b.index);
    const count = (s: ItemOutcome["status"]) => outcomes.filter((o) => o.status === s).length;
    const totals = {
      accepted: count("accepted"),
      duplicates: count("duplicate"),
      rejected: count("rejected"),
      conflicts: outcomes.filter((o) => o.conflict).length,
    };
    const rate = items.length / Math.max(ms / 1000, 1e-3);
    const out = ctx.out;
    out.line(
      `sent ${items.length} events in ${formatDuration(ms)} (${formatCount(rate)} events/s, ${stats.requests} requests)`,
    );
    out.line(
      `accepted ${totals.accepted}, duplicates ${totals.duplicates}, rejected ${totals.rejected}, conflicts ${totals.conflicts}`,
    );
    const local = items.length - chunks.reduce((n, c) => n + c.length, 0);
    if (local > 0)
      out.line(
        `${local} of the rejected events were refused before sending: JSON cannot carry them exactly (I-JSON, RFC 7493)`,
      );
    const rejected = outcomes.filter((o) => o.status === "rejected");
    const lines = rejected.flatMap((o) =>
      (o.errors.length > 0 ? o.errors : [{ path: "", message: "rejected" }]).map(
        (e) =>
          `  #${o.index}${o.line !== null ? ` (line ${o.line})` : ""} ${e.path === "" ? "(event)" : e.path}: ${e.message}`,
      ),
    );
    if (lines.length > 0) {
      out.line(`first errors (input index, JSON pointer):`);
      for (const l of lines.slice(0, ERRORS_SHOWN)) out.line(l);
      if (lines.length > ERRORS_SHOWN)
        out.line(`  … and ${lines.length - ERRORS_SHOWN} more (use --json for all)`);
    }
    if (totals.conflicts > 0) {
      out.note(
        `note: ${totals.conflicts} events reuse a (decision_id, sequence_number) pair with other content; they were logged and flagged 'conflict'`,
      );
    }
    out.result({
      ok: totals.rejected === 0,
      total: items.length,
      ...totals,
      requests: stats.requests,
      seconds: ms / 1000,
      events_per_second: Math.round(rate),
      results: outcomes.map((o) => ({
        index: o.index,
        ...(o.line !== null ? { line: o.line } : {}),
        status: o.status,
        id: o.id,
        seq: o.seq,
        ...(o.conflict ? { conflict: true } : {}),
        ...(o.errors.length > 0 ? { errors: o.errors } : {}),
      })),
    });
    return totals.rejected > 0 ? EXIT_FAILED : EXIT_OK;
  },
});

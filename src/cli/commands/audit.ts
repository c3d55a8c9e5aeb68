/** `edgelog audit`: download and check a whole log against its signed checkpoint. */
import { DEFAULT_URL, defineCommand } from "../command";
import { CheckFailedError, EXIT_OK, UsageError } from "../errors";
import { loadVkey } from "../input";
import { fetchCheckpoint, fetchConsistency } from "../logs";
import { formatCount, formatDuration, ProgressBar } from "../progress";
import { availableParallelism, loadavg } from "node:os";
import { fetchRanges, type ExportRange } from "../audit/fetch-batches";
import { auditLog, eachBatch } from "../audit/log-audit";
import { readState, writeState } from "../audit/state";
import { runTilesAudit, TILES_AUDIT_HELP } from "../tiles-audit/run";
import { CheckPool } from "../audit/worker-pool";
import { nodeHasher } from "../audit/node-hasher";
import { checkInOrder } from "../../core/audit";

/**
 * Worker threads by default: one per core that is free besides the main thread's — cores minus
 * one minus the one-minute load average, rounded — at most 3. The main thread checks ranges
 * too (worker-pool.ts) while zlib inflates them on its own threads, so it already keeps two
 * cores busy; each worker adds its own start-up and JIT warm-up, which pays only on a core
 * nothing else wants (bench/RESULTS.md, audit).
 */
export function defaultWorkers(cores: number, load: number): number {
  return Math.min(3, Math.max(0, Math.round(cores - 1 - load)));
}
/** Below this many batches the default is to check on the main thread (see `check` below). */
const MIN_BATCHES_FOR_WORKERS = 32;

export const audit = defineCommand({
  name: "audit",
  summary: "check a whole log against its signed checkpoint",
  usage:
    "edgelog audit [<url> | --tiles <prefix-url>] --vkey <vkey|file> --state <file> [--log 0] [--concurrency 8] [--workers N]",
  help: `Checks a whole log, trusting only the verifier key:
  - the latest checkpoint's signature;
  - every batch: header fields and sequence continuity, event order (no
    duplicate, missing or reordered seq), each envelope's digest, each retained
    body's SHA-256 (a masked body through its committed form: removed members
    put back as their commitments), and the batch root recomputed from the
    envelopes (projections are counted, not checkable); envelopes and
    bodies are hashed exactly as received, so one not in RFC 8785 canonical
    form fails;
  - the log root recomputed from all batch headers = the checkpoint's root;
  - with a previous audit in --state: that checkpoint's signature, an RFC 9162
    consistency proof from its size, and its root recomputed from the data.
Saves the new checkpoint to --state only when everything passed. Reports the
batch (and event seq/id) that fails and exits 1.

  <url>                  server to audit (default: --url, EDGELOG_URL, or
                         ${DEFAULT_URL})
  --vkey <vkey|file>     the log's verifier key, from a trusted source
  --state <file>         where the last verified checkpoint is kept
  --log <n>              which of the tenant's logs (default 0)
  --concurrency <n>      requests in flight, each a range of batches (default 8)
  --workers <n>          threads checking batches beside the main thread, which
                         downloads and checks too (default: cores minus one minus
                         the load average, at most 3, for logs of ${MIN_BATCHES_FOR_WORKERS} batches or
                         more; 0 checks on the main thread only)
  --key <api key>        a key with the 'read' scope
${TILES_AUDIT_HELP}`,
  flags: {
    vkey: { type: "string" },
    state: { type: "string" },
    log: { type: "string" },
    concurrency: { type: "integer", min: 1 },
    tiles: { type: "string" },
    workers: { type: "integer", min: 0 },
  },
  async run(ctx, { flags, positionals }) {
    if (flags.tiles !== undefined) return runTilesAudit(ctx, flags, positionals);
    if (positionals.length > 1) throw new UsageError(`audit: unexpected argument '${positionals[1]}'`);
    if (flags.vkey === undefined)
      throw new UsageError("audit: missing --vkey <vkey|file> (the log's verifier key)");
    if (flags.state === undefined)
      throw new UsageError("audit: missing --state <file> (created on the first audit)");
    const log = flags.log ?? "0";
    const { verifier } = await loadVkey(flags.vkey);
    const previous = await readState(flags.state);
    const client = ctx.client({ url: positionals[0] });
    const out = ctx.out;

    const checkpoint = await fetchCheckpoint(client, log);
    if (checkpoint === null) {
      if (previous && previous.size > 0) {
        throw new CheckFailedError(
          "checkpoint",
          `log ${log} has no checkpoint, but a previous audit verified one`,
          `a checkpoint of size >= ${previous.size}`,
          "none (404 no_checkpoint)",
        );
      }
      out.line(`log ${log} has no sealed batch yet: nothing to audit`);
      out.result({ ok: true, size: 0, events: 0 });
      return EXIT_OK;
    }

    const started = ctx.io.now();
    const bar = new ProgressBar({ stream: ctx.io.stderr, label: "audit", unit: "batches", now: ctx.io.now });
    const concurrency = flags.concurrency ?? 8;
    const workers = flags.workers ?? defaultWorkers(availableParallelism(), loadavg()[0] ?? 0);
    const script = workers > 0 ? CheckPool.script(import.meta.url) : null;
    let pool: CheckPool | null = null;
    const report = await auditLog({
      verifier,
      checkpoint,
      previous,
      sources: {
        batches: (size) => {
          bar.setTotal(size);
          return fetchRanges({ client, log, from: 0, to: size, concurrency });
        },
        consistency: (from, to) => fetchConsistency(client, log, from, to),
      },
      onStep: (step, detail) => {
        bar.finish();
        out.passed(step, detail);
      },
      check: (batches, origin, size) => {
        // Starting a thread costs about as much as checking a few dozen batches: small logs are
        // checked on this thread unless --workers is given.
        if (script && (flags.workers !== undefined || size >= MIN_BATCHES_FOR_WORKERS)) {
          pool = new CheckPool(script, workers);
          return pool.checkAll(batches as AsyncIterable<ExportRange>, origin, concurrency + workers);
        }
        return checkInOrder(eachBatch(batches), origin, nodeHasher());
      },
      onBatch: ({ batches, events }) => bar.update(batches, { count: events, unit: "events" }),
    }).finally(() => {
      bar.finish();
      return (pool as CheckPool | null)?.close();
    });
    const ms = ctx.io.now() - started;
    await writeState(flags.state, report.state);
    const rate = report.events / Math.max(ms / 1000, 1e-3);
    out.line(
      `audit passed: ${report.size} batches, ${report.events} events in ${formatDuration(ms)} ` +
        `(${formatCount(rate)} events/s); state saved to ${flags.state}`,
    );
    out.result({
      ok: true,
      origin: report.origin,
      size: report.size,
      root: report.root,
      events: report.events,
      bodies_checked: report.bodiesChecked,
      bodies_absent: report.bodiesAbsent,
      bodies_masked: report.bodiesMasked,
      projections: report.projections,
      seconds: ms / 1000,
      events_per_second: Math.round(rate),
      steps: report.steps,
      state: flags.state,
    });
    return EXIT_OK;
  },
});

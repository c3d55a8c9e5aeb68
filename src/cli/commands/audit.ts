/** `edgelog audit`: download and check a whole log against its signed checkpoint. */
import { DEFAULT_URL, defineCommand } from "../command";
import { CheckFailedError, EXIT_OK, UsageError } from "../errors";
import { loadVkey } from "../input";
import { fetchCheckpoint, fetchConsistency } from "../logs";
import { formatCount, formatDuration, ProgressBar } from "../progress";
import { fetchBatches } from "../audit/fetch-batches";
import { auditLog } from "../audit/log-audit";
import { readState, writeState } from "../audit/state";
import { runTilesAudit, TILES_AUDIT_HELP } from "../tiles-audit/run";

export const audit = defineCommand({
  name: "audit",
  summary: "check a whole log against its signed checkpoint",
  usage: "edgelog audit [<url> | --tiles <prefix-url>] --vkey <vkey|file> --state <file> [--log 0] [--concurrency 8]",
  help: `Checks a whole log, trusting only the verifier key:
  - the latest checkpoint's signature;
  - every batch: header fields and sequence continuity, event order (no
    duplicate, missing or reordered seq), each envelope's digest, each retained
    unmasked body's SHA-256 (RFC 8785), and the batch root recomputed from the
    envelopes (projections and masked bodies are counted, not checkable);
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
  --concurrency <n>      batches downloaded in parallel (default 8)
  --key <api key>        a key with the 'read' scope
${TILES_AUDIT_HELP}`,
  flags: {
    vkey: { type: "string" },
    state: { type: "string" },
    log: { type: "string" },
    concurrency: { type: "integer", min: 1 },
    tiles: { type: "string" },
  },
  async run(ctx, { flags, positionals }) {
    if (flags.tiles !== undefined) return runTilesAudit(ctx, flags, positionals);
    if (positionals.length > 1) throw new UsageError(`audit: unexpected argument '${positionals[1]}'`);
    if (flags.vkey === undefined) throw new UsageError("audit: missing --vkey <vkey|file> (the log's verifier key)");
    if (flags.state === undefined) throw new UsageError("audit: missing --state <file> (created on the first audit)");
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
    const report = await auditLog({
      verifier,
      checkpoint,
      previous,
      sources: {
        batches: (size) => {
          bar.setTotal(size);
          return fetchBatches({ client, log, from: 0, to: size, concurrency: flags.concurrency ?? 8 });
        },
        consistency: (from, to) => fetchConsistency(client, log, from, to),
      },
      onStep: (step, detail) => {
        bar.finish();
        out.passed(step, detail);
      },
      onBatch: ({ batches, events }) => bar.update(batches, { count: events, unit: "events" }),
    }).finally(() => bar.finish());
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

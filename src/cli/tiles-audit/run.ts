/** `edgelog audit --tiles <prefix-url>`: the command side of the tiles audit. */
import type { Context } from "../command";
import { EXIT_OK, UsageError } from "../errors";
import { loadVkey } from "../input";
import { auditTiles } from "./audit";
import { httpTileSource } from "./source";
import { readTilesState, writeTilesState } from "./state";

export const TILES_AUDIT_HELP = `
With --tiles <prefix-url> (e.g. http://host/v1/tiles/<tenant>/<log>) the log is
audited from its C2SP tlog-tiles alone: checkpoint signature, consistency with
the --state checkpoint computed from hash tiles, the root from hash tiles, each
new batch header (entry bundles) against the level-0 tiles, and every batch
root recomputed from its envelope bundle. Incremental: only batches after the
state's size are downloaded. --key is sent only if given (public tiles need none).`;

export async function runTilesAudit(
  ctx: Context,
  flags: { tiles?: string; vkey?: string; state?: string; concurrency?: number; log?: string },
  positionals: readonly string[],
): Promise<typeof EXIT_OK> {
  if (positionals.length > 0)
    throw new UsageError(`audit --tiles takes no <url> argument (found '${positionals[0]}')`);
  if (flags.log !== undefined)
    throw new UsageError("audit --tiles: the prefix URL names the log; drop --log");
  if (flags.vkey === undefined)
    throw new UsageError("audit: missing --vkey <vkey|file> (the log's verifier key)");
  if (flags.state === undefined)
    throw new UsageError("audit: missing --state <file> (created on the first audit)");
  if (!/^https?:\/\/\S+$/.test(flags.tiles ?? ""))
    throw new UsageError(`audit --tiles needs an http(s) prefix URL, found '${flags.tiles}'`);
  const { verifier } = await loadVkey(flags.vkey);
  const previous = await readTilesState(flags.state);
  const started = ctx.io.now();
  const report = await auditTiles({
    source: httpTileSource(flags.tiles!, ctx.apiKey),
    verifier,
    previous,
    concurrency: flags.concurrency ?? 8,
    onStep: (step, detail) => ctx.out.passed(step, detail),
    now: () => new Date(),
  });
  await writeTilesState(flags.state, report.state);
  const seconds = (ctx.io.now() - started) / 1000;
  ctx.out.line(
    `tiles audit passed: size ${report.size}, ${report.newBatches} new batches, ${report.newEvents} new events; state saved to ${flags.state}`,
  );
  ctx.out.result({
    ok: true,
    origin: report.origin,
    size: report.size,
    root: report.root,
    new_batches: report.newBatches,
    new_events: report.newEvents,
    events: report.state.next_seq,
    seconds,
    steps: report.steps,
    state: flags.state,
  });
  return EXIT_OK;
}

/**
 * Figure: sequencer capacity. The LogShard's append + seal path alone, the per-shard ceiling in
 * production where Workers run on other machines: prepared events reach the shard by RPC as the
 * ingest route sends them, replayed by the bench Worker (bench/worker/sequencer.ts) so no
 * parsing or validation shares the shard's thread; beside a Durable Object that writes each
 * request as one row, fed the same RPC. Runs alternated in one `wrangler dev`.
 */
import { runLoad, type LoadResult } from "../load";
import { cpuBetween, findWranglerGroup, sampleCpu, type CpuWindow } from "../proc-cpu";
import { fmt3, fmtInt, fmtRatio, table, verdict, type FigureResult } from "../report";
import { hotFunctions, inclusiveShares, renderHotFunctions, type HotFunction } from "../cpu-profile";
import { profileWorker } from "../worker-profile";
import { median, quantile, range } from "../stats";
import { startBenchWorker } from "../wrangler";
import { loadAverage } from "../machine";

export interface SequencerOptions {
  runs: number;
  warmupMs: number;
  durationMs: number;
  clients: number;
  eventsPerRequest: number;
  /** Distinct prepared requests captured, then replayed in turn (each made new per replay). */
  poolRequests: number;
  /** Seconds of one extra, uncounted LogShard run under the CPU profiler; 0 skips it. */
  profileSeconds: number;
}

export const SEQUENCER_FULL: SequencerOptions = {
  runs: 4,
  warmupMs: 1_500,
  durationMs: 6_000,
  clients: 8,
  eventsPerRequest: 100,
  poolRequests: 64,
  profileSeconds: 4,
};
export const SEQUENCER_QUICK: SequencerOptions = {
  runs: 1,
  warmupMs: 300,
  durationMs: 1_000,
  clients: 2,
  eventsPerRequest: 20,
  poolRequests: 4,
  profileSeconds: 0,
};

const TARGET = 0.5;

/** Stages of the append + seal path whose inclusive share the profile reports (absent names are left out). */
const SHARD_STAGES = [
  "append",
  "appendEvents",
  "findExisting",
  "findTakenPairs",
  "loadProducers",
  "envelopeJson",
  "factsOf",
  "insertRows",
  "recordExposures",
  "sealPending",
  "sealBatch",
  "takePending",
  "hashLeavesNative",
  "encodeBundle",
  "signNote",
  "addToTotals",
  "archiveSealed",
];

interface Profile {
  self: HotFunction[];
  inclusive: Array<{ name: string; percent: number }>;
}

type Side = "shard" | "rows";

interface Run {
  load: LoadResult;
  cpu: CpuWindow;
}

export async function sequencerFigure(options: SequencerOptions): Promise<FigureResult> {
  const loadAtStart = loadAverage();
  const worker = await startBenchWorker();
  try {
    const port = Number(new URL(worker.url).port);
    const group = findWranglerGroup(port);
    const setup = await fetch(
      `${worker.url}/sequencer/setup?requests=${options.poolRequests}&events=${options.eventsPerRequest}`,
      { method: "POST" },
    );
    if (!setup.ok) throw new Error(`capturing prepared events: ${setup.status} ${await setup.text()}`);
    const pool = (await setup.json()) as { meanEventBytes: number; meanRetainedBytes: number };
    const runs: Record<Side, Run[]> = { shard: [], rows: [] };
    const shardLoad = (durationMs: number, warmupMs: number) =>
      runLoad({
        url: worker.url,
        path: "/sequencer/append?target=shard",
        headers: {},
        clients: options.clients,
        warmupMs,
        durationMs,
        body: () => "",
        acknowledged: (_status, text) => (JSON.parse(text) as { stored: number }).stored,
      });
    for (let r = 0; r < options.runs; r++) {
      // Alternate which side goes first, so neither always runs on a fresher machine.
      const order: Side[] = r % 2 === 0 ? ["shard", "rows"] : ["rows", "shard"];
      for (const side of order) {
        const before = sampleCpu(group, port);
        const load =
          side === "shard"
            ? await shardLoad(options.durationMs, options.warmupMs)
            : await runLoad({
                url: worker.url,
                path: "/sequencer/append?target=rows",
                headers: {},
                clients: options.clients,
                warmupMs: options.warmupMs,
                durationMs: options.durationMs,
                body: () => "",
                acknowledged: (_status, text) => (JSON.parse(text) as { stored: number }).stored,
              });
        const cpu = cpuBetween(before, sampleCpu(group, port));
        if (load.events === 0)
          throw new Error(`${side}: no event acknowledged; first failure: ${load.firstFailure ?? "none"}`);
        runs[side].push({ load, cpu });
        process.stderr.write(
          `sequencer run ${r + 1}/${options.runs} ${side}: ${fmtInt(load.eventsPerSecond)} events/s\n`,
        );
      }
    }
    let hot: Profile | string | null = null;
    if (options.profileSeconds > 0) {
      try {
        const profile = await profileWorker(worker.inspectorPort, () =>
          shardLoad(options.profileSeconds * 1000, 0),
        );
        hot = { self: hotFunctions(profile, 15), inclusive: inclusiveShares(profile, SHARD_STAGES) };
      } catch (err) {
        hot = `Profile not taken: ${(err as Error).message}.`;
      }
    }
    return render(options, runs, pool, hot, loadAtStart, loadAverage());
  } finally {
    await worker.stop();
  }
}

/**
 * Why the ratio misses, from this run's numbers: the CPU the target allows against what the
 * shard spends, and where the profile puts it.
 */
function whyMissed(shardCpu: number, rowsCpu: number, hot: Profile | string | null): string {
  const share = (name: string) =>
    typeof hot === "object" && hot !== null ? hot.inclusive.find((i) => i.name === name)?.percent : undefined;
  const append = share("appendEvents");
  const insert = share("insertRows");
  const parts: Array<[string, number | undefined]> = [
    ["the two index rows per event (`insertRows`)", insert],
    [
      "the rest of `appendEvents` (id and pair look-ups, envelopes, the slice row)",
      append !== undefined && insert !== undefined ? append - insert : undefined,
    ],
    ["sealing (`sealBatch`: leaf hashes, gzip, signing, the batch row)", share("sealBatch")],
    ["archiving to R2 (`archiveSealed`)", share("archiveSealed")],
  ];
  const known = parts.filter(([, pct]) => pct !== undefined);
  return (
    `**Why.** At the target the shard could spend at most ${fmt3(rowsCpu / TARGET)} ms of workerd CPU per 1,000 events ` +
    `(the row sink spends ${fmt3(rowsCpu)}, most of it the bench Worker's request handling, replay and RPC, which both sides pay); ` +
    `it spends ${fmt3(shardCpu)}. The row sink writes one row per request of 100 events; the shard writes each event's ` +
    `two index rows (WITHOUT ROWID B-trees keyed by hashes, so each insert lands on its own page once an index outgrows ` +
    `the page cache), one slice row per request, and per batch of 256 a bundle, its tree nodes and a signed checkpoint.` +
    (known.length > 0
      ? ` Of the isolate's time in the profile: ${known.map(([what, pct]) => `${what} ${fmt3(pct!)} %`).join("; ")}.`
      : "")
  );
}

function render(
  options: SequencerOptions,
  runs: Record<Side, Run[]>,
  pool: { meanEventBytes: number; meanRetainedBytes: number },
  hot: Profile | string | null,
  loadAtStart: string,
  loadAtEnd: string,
): FigureResult {
  const rate = (side: Side) => median(runs[side].map((r) => r.load.eventsPerSecond));
  const ratios = runs.shard.map((r, i) => r.load.eventsPerSecond / runs.rows[i]!.load.eventsPerSecond);
  const ratio = median(ratios);
  const [lo, hi] = range(ratios);
  const p = (side: Side, q: number) => median(runs[side].map((r) => quantile(r.load.latenciesMs, q)));
  const runtime = (r: Run) => r.cpu.byRole["workerd runtime"] ?? NaN;
  const cpuPerThousand = (side: Side) =>
    median(runs[side].map((r) => (runtime(r) * 1000 * 1000) / (r.load.eventsPerSecond * r.cpu.seconds)));
  const thread = (side: Side) => median(runs[side].map((r) => r.cpu.busiestThread));
  const busy = (side: Side) => median(runs[side].map((r) => r.cpu.machineBusy));
  const failures = (side: Side) => runs[side].reduce((n, r) => n + r.load.failures, 0);
  const firstFailure = [...runs.shard, ...runs.rows].find((r) => r.load.firstFailure)?.load.firstFailure;
  const perRun = runs.shard.map((s, i) => {
    const w = runs.rows[i]!;
    return [
      String(i + 1),
      i % 2 === 0 ? "shard, rows" : "rows, shard",
      fmtInt(s.load.eventsPerSecond),
      fmtInt(w.load.eventsPerSecond),
      fmtRatio(ratios[i]!),
      `${fmt3(quantile(s.load.latenciesMs, 0.5))} / ${fmt3(quantile(s.load.latenciesMs, 0.99))}`,
      `${fmt3(quantile(w.load.latenciesMs, 0.5))} / ${fmt3(quantile(w.load.latenciesMs, 0.99))}`,
      `${fmt3(s.cpu.busiestThread * 100)} % / ${fmt3(w.cpu.busiestThread * 100)} %`,
    ];
  });
  return {
    id: "sequencer",
    title: "Sequencer capacity: the LogShard's append + seal path alone (RPC, wrangler dev)",
    rows: [
      {
        measure: "acknowledged events/s, prepared events by RPC (median of same-run ratios)",
        value: fmtInt(rate("shard")),
        peer: `${fmtInt(rate("rows"))} (one row per request)`,
        ratio: fmtRatio(ratio),
        target: `≥ ${TARGET}×`,
        verdict: verdict(ratio, TARGET),
      },
      {
        measure: "RPC latency p50 / p99, ms",
        value: `${fmt3(p("shard", 0.5))} / ${fmt3(p("shard", 0.99))}`,
        peer: `${fmt3(p("rows", 0.5))} / ${fmt3(p("rows", 0.99))}`,
        ratio: fmtRatio(p("shard", 0.99) / p("rows", 0.99)),
        target: "—",
        verdict: "no target",
      },
      {
        measure: "workerd runtime CPU per 1,000 events, ms",
        value: fmt3(cpuPerThousand("shard")),
        peer: fmt3(cpuPerThousand("rows")),
        ratio: fmtRatio(cpuPerThousand("shard") / cpuPerThousand("rows")),
        target: "—",
        verdict: "no target",
      },
    ],
    method: [
      `One \`wrangler dev -c bench/worker/wrangler.toml\`, fresh persist dir. The LogShard is the class the deployment exports (\`src/shard/log-shard.ts\`), bound with the registry its witnessing asks and an R2 bucket, so sealing, signing and archiving run as deployed; batch settings are the deployment's defaults (256 events or 250 ms).`,
      `Prepared events: ${options.poolRequests} requests of ${options.eventsPerRequest} generated DES 0.3.0 events (mean ${fmtInt(pool.meanEventBytes)} B of request JSON, ${fmtInt(pool.meanRetainedBytes)} B retained canonical body under the default policy) captured once by the ingest route's own \`parseEvents\` and \`prepareItem\`, before any measurement. Each replayed request is the next captured one with new ids and decision ids (string edits, no hashing), so every event is new.`,
      "Load: the bench Worker's `POST /sequencer/append?target=shard|rows` takes the next request and calls `LogShard.append` (as `appendPrepared` does, `waitSealed` false) or `RowSink.store` by RPC; answered after the write is durable. The row sink INSERTs the request's retained bodies, newline-joined, as one row.",
      `${options.clients} closed-loop keep-alive HTTP clients on 127.0.0.1; ${options.runs} runs per side, alternated (the first side swaps each run), each ${options.warmupMs / 1000} s warm-up then ${options.durationMs / 1000} s measured; only answers completing inside the window count. The ratio is the median of same-run ratios.`,
      `CPU of workerd's runtime process and its busiest thread from /proc over each measured window (everything in \`wrangler dev\` runs on one runtime thread, so the bench Worker's HTTP handling shares it with the shard; it does the same per request for both sides). Machine busy (median): shard runs ${fmt3(busy("shard") * 100)} %, row runs ${fmt3(busy("rows") * 100)} %. Load average (1, 5, 15 min) at start ${loadAtStart}, at end ${loadAtEnd}.`,
      `Requests acknowledging no event: shard ${failures("shard")}, rows ${failures("rows")}${firstFailure ? ` (first: ${firstFailure.slice(0, 160)})` : ""}.`,
    ],
    details: [
      `Per run (events/s; latency p50 / p99 in ms; busiest workerd thread, shard / rows). Ratio range over runs: ${fmtRatio(lo)} – ${fmtRatio(hi)}. Busiest thread, medians: shard ${fmt3(thread("shard") * 100)} %, rows ${fmt3(thread("rows") * 100)} % of a core.`,
      table(
        [
          "run",
          "order",
          "LogShard",
          "one row per request",
          "ratio",
          "LogShard latency",
          "row latency",
          "busiest thread",
        ],
        perRun,
      ),
      ...(hot === null
        ? []
        : typeof hot === "string"
          ? [hot]
          : [
              `Where the shard's time goes: CPU profile of workerd's isolate through \`wrangler dev\`'s inspector during one extra ${options.profileSeconds} s LogShard run, not counted above (the isolate also runs the bench Worker's HTTP handling and replay). Inclusive share of the append + seal path's stages (a stage's own time plus what it calls; nested stages are part of their parent's share; a function the JIT inlined shows under its caller): ${hot.inclusive.map((i) => `\`${i.name}\` ${fmt3(i.percent)} %`).join(", ")}. Self time, top ${hot.self.length} (\`(program)\` is time in the runtime outside JavaScript, SQLite's native calls show under \`exec\`):`,
              renderHotFunctions(hot.self),
            ]),
      ...(ratio >= TARGET ? [] : [whyMissed(cpuPerThousand("shard"), cpuPerThousand("rows"), hot)]),
    ],
    raw: {
      options,
      pool,
      profile: hot,
      loadAtStart,
      loadAtEnd,
      runs: Object.fromEntries(
        (["shard", "rows"] as const).map((side) => [
          side,
          runs[side].map((r) => ({
            eventsPerSecond: r.load.eventsPerSecond,
            requests: r.load.requests,
            failures: r.load.failures,
            p50: quantile(r.load.latenciesMs, 0.5),
            p99: quantile(r.load.latenciesMs, 0.99),
            cpu: r.cpu,
          })),
        ]),
      ),
    },
  };
}

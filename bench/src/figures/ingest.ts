/**
 * Figure 1: ingest end to end. edgelog under `wrangler dev` against a baseline Worker + Durable
 * Object that stores each raw request body as one SQLite row, same load, runs alternated.
 */
import { createEventGenerator, meanSizeByTier, DEFAULT_MIX, type DesEvent } from "../events";
import { hotFunctions, inclusiveShares, renderHotFunctions, type HotFunction } from "../cpu-profile";
import { runLoad, type LoadResult } from "../load";
import { profileWorker } from "../worker-profile";
import { fmt3, fmtInt, fmtRatio, table, verdict, type FigureResult } from "../report";
import { median, quantile, range } from "../stats";
import { createTenant, EDGELOG_VARS, startWrangler, type Wrangler } from "../wrangler";
import { loadAverage } from "../machine";

export interface IngestOptions {
  runs: number;
  warmupMs: number;
  durationMs: number;
  clients: number;
  eventsPerRequest: number;
  /** Distinct request bodies to cycle through (each made unique per request by its token). */
  templates: number;
  /** Seconds of one extra, uncounted edgelog run under the CPU profiler; 0 skips it. */
  profileSeconds: number;
  /** Pause between the `?wait=sealed` probe's requests (one event each, one at a time). */
  sealedProbeGapMs: number;
}

export const INGEST_FULL: IngestOptions = {
  runs: 4,
  warmupMs: 2_000,
  durationMs: 8_000,
  clients: 8,
  eventsPerRequest: 100,
  templates: 32,
  profileSeconds: 4,
  sealedProbeGapMs: 200,
};
export const INGEST_QUICK: IngestOptions = {
  runs: 1,
  warmupMs: 300,
  durationMs: 1_000,
  clients: 2,
  eventsPerRequest: 20,
  templates: 2,
  profileSeconds: 0,
  sealedProbeGapMs: 200,
};

const TOKEN = "~U~";
/** `?wait=sealed` answer time under the ingest load must stay below this (p99). */
const SEALED_P99_TARGET_MS = 300;

/**
 * A low-rate client beside the load: one new event per request with `?wait=sealed`, one request
 * at a time with a pause between them, until `endMs` (performance.now()). Latencies of answers
 * completing in [startMs, endMs] are returned, with any failure.
 */
async function sealedProbe(
  url: string,
  key: string,
  gapMs: number,
  startMs: number,
  endMs: number,
): Promise<{ latenciesMs: number[]; failures: string[] }> {
  const generator = createEventGenerator({ seed: 5, idPrefix: `sealed${Date.now().toString(36)}` });
  const latenciesMs: number[] = [];
  const failures: string[] = [];
  while (performance.now() < endMs) {
    const sent = performance.now();
    let ok = false;
    let why = "";
    try {
      const res = await fetch(`${url}/v1/events?wait=sealed`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify(generator.next()),
      });
      const text = await res.text();
      const parsed = res.ok ? (JSON.parse(text) as { results?: Array<{ batch?: number }> }) : null;
      ok = parsed?.results?.[0]?.batch !== undefined;
      if (!ok) why = `${res.status} ${text.slice(0, 200)}`;
    } catch (err) {
      why = String(err);
    }
    const done = performance.now();
    if (done >= startMs && done <= endMs) {
      if (ok) latenciesMs.push(done - sent);
      else failures.push(why);
    }
    await new Promise((r) => setTimeout(r, gapMs));
  }
  return { latenciesMs, failures };
}

/**
 * Functions of the ingest path whose inclusive share the profile reports, outermost first
 * (names that no longer exist in the code are left out of the report).
 */
const INGEST_STAGES = [
  "readBody",
  "parseEvents",
  "prepareItem",
  "validateEvent",
  "canonicalJson",
  "canonicalize",
  "checkCurrentHash",
  "append",
  "appendEvents",
  "sealBatch",
  "signNote",
];

interface Profile {
  self: HotFunction[];
  inclusive: Array<{ name: string; percent: number }>;
}

/**
 * Request bodies as templates: every decision_id holds TOKEN, replaced per request by a unique
 * string, so every event is new (ids are content hashes) at the cost of one string join.
 */
function makeBodies(options: IngestOptions): { next: () => string; sample: DesEvent[] } {
  const generator = createEventGenerator({ seed: 1, idPrefix: TOKEN });
  const sample: DesEvent[] = [];
  const templates: string[][] = [];
  for (let t = 0; t < options.templates; t++) {
    const events = Array.from({ length: options.eventsPerRequest }, () => generator.next());
    sample.push(...events);
    templates.push(JSON.stringify(events).split(TOKEN));
  }
  const runTag = Date.now().toString(36);
  let n = 0;
  return {
    next: () => {
      n++;
      return templates[n % templates.length]!.join(`${runTag}.${n.toString(36)}`);
    },
    sample,
  };
}

interface Side {
  name: string;
  runs: LoadResult[];
}

interface SealedRun {
  latenciesMs: number[];
  failures: string[];
}

export async function ingestFigure(options: IngestOptions): Promise<FigureResult> {
  const bodies = makeBodies(options);
  const sizes = meanSizeByTier(bodies.sample);
  const meanBytes = bodies.sample.reduce((s, e) => s + JSON.stringify(e).length, 0) / bodies.sample.length;
  const loadAtStart = loadAverage();
  let edgelog: Wrangler | undefined;
  let baseline: Wrangler | undefined;
  try {
    [edgelog, baseline] = await Promise.all([
      startWrangler({ vars: { ...EDGELOG_VARS } }),
      startWrangler({ config: "bench/baseline/wrangler.toml" }),
    ]);
    const key = await createTenant(edgelog.url, "bench-ingest");
    const sealed: SealedRun[] = [];
    const base = {
      path: "/v1/events",
      clients: options.clients,
      warmupMs: options.warmupMs,
      durationMs: options.durationMs,
      body: bodies.next,
    };
    const loads = {
      edgelog: async () => {
        // The sealed probe runs beside the counted load, over the same measured window.
        const start = performance.now() + options.warmupMs;
        const [result, probe] = await Promise.all([
          loads.edgelogFor(options.durationMs),
          sealedProbe(edgelog!.url, key, options.sealedProbeGapMs, start, start + options.durationMs),
        ]);
        sealed.push(probe);
        return result;
      },
      edgelogFor: (durationMs: number) =>
        runLoad({
          ...base,
          durationMs,
          url: edgelog!.url,
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          acknowledged: (_status, text) => (JSON.parse(text) as { accepted: number }).accepted,
        }),
      baseline: () =>
        runLoad({
          ...base,
          url: baseline!.url,
          headers: { "content-type": "application/json" },
          acknowledged: () => options.eventsPerRequest,
        }),
      perRow: () =>
        runLoad({
          ...base,
          path: "/v1/rows",
          url: baseline!.url,
          headers: { "content-type": "application/json" },
          acknowledged: (_status, text) => (JSON.parse(text) as { stored: number }).stored,
        }),
    };
    const sides: Record<SideName, Side> = {
      edgelog: { name: "edgelog", runs: [] },
      baseline: { name: "baseline", runs: [] },
      perRow: { name: "perRow", runs: [] },
    };
    for (let r = 0; r < options.runs; r++) {
      for (const name of ["edgelog", "baseline", "perRow"] as const) {
        const result = await loads[name]();
        if (result.events === 0) {
          throw new Error(
            `${name}: no event acknowledged in run ${r + 1}; first failure: ${result.firstFailure ?? "none"}`,
          );
        }
        sides[name].runs.push(result);
        process.stderr.write(
          `ingest run ${r + 1}/${options.runs} ${name}: ${fmtInt(result.eventsPerSecond)} events/s\n`,
        );
      }
    }
    let hot: Profile | string = { self: [], inclusive: [] };
    if (options.profileSeconds > 0) {
      try {
        const profile = await profileWorker(edgelog.inspectorPort, () =>
          loads.edgelogFor(options.profileSeconds * 1000),
        );
        hot = { self: hotFunctions(profile, 15), inclusive: inclusiveShares(profile, INGEST_STAGES) };
      } catch (err) {
        hot = `Profile not taken: ${(err as Error).message}.`;
      }
    }
    const listed = await fetch(`${edgelog.url}/v1/logs`, { headers: { authorization: `Bearer ${key}` } });
    const logs = listed.ok ? (await listed.text()).slice(0, 300) : `GET /v1/logs answered ${listed.status}`;
    return render(options, sides, sealed, sizes, meanBytes, hot, logs, loadAtStart, loadAverage());
  } finally {
    await Promise.all([edgelog?.stop(), baseline?.stop()]);
  }
}

type SideName = "edgelog" | "baseline" | "perRow";

function render(
  options: IngestOptions,
  sides: Record<SideName, Side>,
  sealed: SealedRun[],
  sizes: ReturnType<typeof meanSizeByTier>,
  meanBytes: number,
  hot: Profile | string,
  logs: string,
  loadAtStart: string,
  loadAtEnd: string,
): FigureResult {
  const sealedAll = sealed.flatMap((r) => r.latenciesMs);
  const sealedFailures = sealed.flatMap((r) => r.failures);
  const sealedP99 = quantile(sealedAll, 0.99);
  const rate = (s: Side) => median(s.runs.map((r) => r.eventsPerSecond));
  const p = (s: Side, q: number) => median(s.runs.map((r) => quantile(r.latenciesMs, q)));
  const ratios = sides.edgelog.runs.map(
    (r, i) => r.eventsPerSecond / sides.baseline.runs[i]!.eventsPerSecond,
  );
  const ratio = rate(sides.edgelog) / rate(sides.baseline);
  const perRowRatio = rate(sides.edgelog) / rate(sides.perRow);
  const failures = (s: Side) => s.runs.reduce((n, r) => n + r.failures, 0);
  const statuses = (s: Side) => {
    const all: Record<number, number> = {};
    for (const r of s.runs)
      for (const [k, v] of Object.entries(r.statuses)) all[Number(k)] = (all[Number(k)] ?? 0) + v;
    return Object.entries(all)
      .map(([k, v]) => `${k === "0" ? "no answer" : k} × ${fmtInt(v)}`)
      .join(", ");
  };
  const perRun = sides.edgelog.runs.map((r, i) => {
    const b = sides.baseline.runs[i]!;
    return [
      String(i + 1),
      fmtInt(r.eventsPerSecond),
      fmtInt(b.eventsPerSecond),
      fmtRatio(ratios[i]!),
      `${fmt3(quantile(r.latenciesMs, 0.5))} / ${fmt3(quantile(r.latenciesMs, 0.99))}`,
      `${fmt3(quantile(b.latenciesMs, 0.5))} / ${fmt3(quantile(b.latenciesMs, 0.99))}`,
    ];
  });
  const [lo, hi] = range(ratios);
  const mix = Object.entries(DEFAULT_MIX)
    .map(([t, share]) => `${t} ${Math.round(share * 100)} % (~${fmtInt(sizes[t as keyof typeof sizes])} B)`)
    .join(", ");
  return {
    id: "ingest",
    title: "Ingest end to end (HTTP on loopback, wrangler dev)",
    rows: [
      {
        measure: "acknowledged events/s (median of runs)",
        value: fmtInt(rate(sides.edgelog)),
        peer: `${fmtInt(rate(sides.baseline))} (baseline)`,
        ratio: fmtRatio(ratio),
        target: "≥ 0.5×",
        verdict: verdict(ratio, 0.5),
      },
      {
        measure: "acknowledged events/s vs a plain per-row logger",
        value: fmtInt(rate(sides.edgelog)),
        peer: `${fmtInt(rate(sides.perRow))} (per-row)`,
        ratio: fmtRatio(perRowRatio),
        target: "≥ 1.0×",
        verdict: verdict(perRowRatio, 1),
      },
      {
        measure: "`?wait=sealed` latency p50 / p99 under the load (1 event per request), ms",
        value: `${fmt3(quantile(sealedAll, 0.5))} / ${fmt3(sealedP99)}`,
        peer: "—",
        ratio: "—",
        target: `p99 < ${SEALED_P99_TARGET_MS} ms`,
        verdict:
          sealedAll.length > 0 && sealedFailures.length === 0 && sealedP99 < SEALED_P99_TARGET_MS
            ? "met"
            : "missed",
      },
      {
        measure: "request latency p50, ms",
        value: fmt3(p(sides.edgelog, 0.5)),
        peer: fmt3(p(sides.baseline, 0.5)),
        ratio: fmtRatio(p(sides.edgelog, 0.5) / p(sides.baseline, 0.5)),
        target: "—",
        verdict: "no target",
      },
      {
        measure: "request latency p99, ms",
        value: fmt3(p(sides.edgelog, 0.99)),
        peer: fmt3(p(sides.baseline, 0.99)),
        ratio: fmtRatio(p(sides.edgelog, 0.99) / p(sides.baseline, 0.99)),
        target: "—",
        verdict: "no target",
      },
    ],
    method: [
      `${options.clients} closed-loop keep-alive HTTP clients (Node \`http\`) on 127.0.0.1, ${options.eventsPerRequest} events per request as a JSON array.`,
      `Events: generated DES 0.3.0, mean ${fmtInt(meanBytes)} B of JSON; declared tiers ${mix}; risk levels by tier; 5 % of sampled/full events carry a human override. Every event is new (unique decision_id per request), so none is answered as a duplicate.`,
      `edgelog: \`wrangler dev\` of the repository's wrangler.toml (its batch size and time, signed checkpoints), fresh persist dir, one tenant with the default policy (its logs after the runs, \`GET /v1/logs\`: \`${logs}\`). Counted: the \`accepted\` total of each 2xx answer.`,
      "Baseline: `wrangler dev -c bench/baseline/wrangler.toml`, a Worker passing the raw body to one Durable Object that INSERTs it as one SQLite row and answers after the write; counted as the request's event count on 2xx.",
      "Per-row logger: the same `wrangler dev`, `POST /v1/rows`: the Worker parses the array and computes each event's SHA-256 id, one Durable Object INSERTs each event as its own row (id, JSON) in one transaction and answers after the write; no validation. Counted: its `stored` total.",
      `${options.runs} runs per side alternated (edgelog, baseline, per-row, edgelog, …), each ${options.warmupMs / 1000} s warm-up then ${options.durationMs / 1000} s measured; only answers completing inside the window count. Both servers run at once on the same 2 cores as the load generator; the idle one is idle.`,
      `Sealed-with-proof latency: during every edgelog run, one more client sends one new event per request with \`?wait=sealed\`, one request at a time with ${options.sealedProbeGapMs} ms between them, and times each answer (it must carry the event's \`batch\`); answers completing in the measured windows count: ${fmtInt(sealedAll.length)} answers, ${sealedFailures.length} failed${sealedFailures[0] ? ` (first: ${sealedFailures[0].slice(0, 160)})` : ""}. Batches seal at 256 events or 250 ms after their first event (wrangler.toml), and a \`?wait=sealed\` request seals what is pending within 50 ms.`,
      `Load average (1, 5, 15 min) at start ${loadAtStart}, at end ${loadAtEnd}.`,
      `Answers in the measured windows by status: edgelog ${statuses(sides.edgelog)}; baseline ${statuses(sides.baseline)}. Requests acknowledging no event: edgelog ${failures(sides.edgelog)}, baseline ${failures(sides.baseline)}${sides.edgelog.runs.find((r) => r.firstFailure) ? ` (first: ${sides.edgelog.runs.find((r) => r.firstFailure)!.firstFailure!.slice(0, 160)})` : ""}.`,
    ],
    details: [
      `Per run (events/s; latency p50 / p99 in ms). Ratio range over runs: ${fmtRatio(lo)} – ${fmtRatio(hi)}.`,
      table(["run", "edgelog", "baseline", "ratio", "edgelog latency", "baseline latency"], perRun),
      `Per-row logger per run (events/s): ${sides.perRow.runs.map((r) => fmtInt(r.eventsPerSecond)).join(", ")}; latency p50 / p99 ${fmt3(p(sides.perRow, 0.5))} / ${fmt3(p(sides.perRow, 0.99))} ms.`,
      ...(typeof hot === "string"
        ? [hot]
        : hot.self.length > 0
          ? [
              `Where edgelog's time goes: CPU profile of workerd's isolate (Worker and LogShard together) through \`wrangler dev\`'s inspector during one extra ${options.profileSeconds} s load run, not counted above. Inclusive share of the ingest path's stages (a stage's own time plus what it calls; nested stages are part of their parent's share; a function the JIT inlined shows under its caller instead): ${hot.inclusive.map((i) => `\`${i.name}\` ${fmt3(i.percent)} %`).join(", ")}. Self time, top ${hot.self.length} (SQLite's native \`exec\` appears under its own name; \`(program)\` is time in the runtime outside JavaScript):`,
              renderHotFunctions(hot.self),
            ]
          : []),
    ],
    raw: {
      options,
      meanEventBytes: meanBytes,
      meanBytesByTier: sizes,
      edgelog: sides.edgelog.runs.map(summary),
      baseline: sides.baseline.runs.map(summary),
      perRow: sides.perRow.runs.map(summary),
      sealed: sealed.map((r) => ({
        answers: r.latenciesMs.length,
        failures: r.failures.length,
        p50: quantile(r.latenciesMs, 0.5),
        p99: quantile(r.latenciesMs, 0.99),
      })),
      profile: hot,
    },
  };
}

function summary(r: LoadResult) {
  return {
    eventsPerSecond: r.eventsPerSecond,
    requests: r.requests,
    failures: r.failures,
    p50: quantile(r.latenciesMs, 0.5),
    p99: quantile(r.latenciesMs, 0.99),
    firstFailure: r.firstFailure,
  };
}

/**
 * Figure 7: scale-out. One `wrangler dev` of the repository's wrangler.toml, one tenant per
 * shard count (given when the tenant is created), the same closed-loop ingest against each in
 * turn, and the CPU of every process involved, so the table can say with numbers whether
 * throughput rises with shards on this machine and, when it does not, where the cores went.
 */
import { createEventGenerator } from "../events";
import { runLoad, type LoadResult } from "../load";
import { cpuBetween, findWranglerGroup, sampleCpu, type CpuSample, type CpuWindow } from "../proc-cpu";
import { fmt3, fmtInt, fmtRatio, table, type FigureResult, type Row } from "../report";
import { median, quantile, range } from "../stats";
import { createTenant, DEV_ADMIN_TOKEN, EDGELOG_VARS, startWrangler, type Wrangler } from "../wrangler";

export interface ShardsOptions {
  /** Rounds; each runs every shard count once, in an order rotated per round. */
  rounds: number;
  /** Shard counts to compare; the first is the reference of every ratio. */
  shardCounts: number[];
  warmupMs: number;
  durationMs: number;
  clients: number;
  eventsPerRequest: number;
  /** Distinct request bodies to cycle through (each made unique per request). */
  templates: number;
}

export const SHARDS_FULL: ShardsOptions = {
  rounds: 3,
  shardCounts: [1, 2, 4],
  warmupMs: 2_000,
  durationMs: 8_000,
  clients: 8,
  eventsPerRequest: 100,
  templates: 32,
};
export const SHARDS_QUICK: ShardsOptions = {
  rounds: 1,
  shardCounts: [1, 2, 4],
  warmupMs: 300,
  durationMs: 1_000,
  clients: 2,
  eventsPerRequest: 20,
  templates: 2,
};

const TOKEN = "~S~";

/** Shares above this count as "the machine was saturated" in the explanation. */
const SATURATED = 0.9;
/** Cores used by processes outside the benchmark above which the explanation says the machine was shared. */
const SHARED = 0.2;
/** Ratios within this distance of 1 count as "no change" in the explanation. */
const FLAT = 0.1;

/**
 * Request bodies whose decision_ids all hold TOKEN, replaced per request by a unique string:
 * every event is new, and the ids (hence the shards they route to) differ per event.
 */
function uniqueBodies(options: ShardsOptions): () => string {
  const generator = createEventGenerator({ seed: 7, idPrefix: TOKEN });
  const templates = Array.from({ length: options.templates }, () =>
    JSON.stringify(Array.from({ length: options.eventsPerRequest }, () => generator.next())).split(TOKEN),
  );
  const runTag = `s${Date.now().toString(36)}`;
  let n = 0;
  return () => {
    n++;
    return templates[n % templates.length]!.join(`${runTag}.${n.toString(36)}`);
  };
}

/** Round r runs the shard counts rotated left by r, so each count takes every position once over as many rounds. */
export function roundOrder(counts: readonly number[], round: number): number[] {
  const k = counts.length === 0 ? 0 : round % counts.length;
  return [...counts.slice(k), ...counts.slice(0, k)];
}

interface Tenant {
  shards: number;
  id: string;
  key: string;
  /** Routing generations after the shard count was set (GET /v1/admin/tenants/{t}). */
  generations: number;
}

interface Run {
  round: number;
  position: number;
  shards: number;
  load: LoadResult;
  cpu: CpuWindow;
}

async function adminJson(
  url: string,
  path: string,
  init: RequestInit = {},
): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${DEV_ADMIN_TOKEN}`, "content-type": "application/json" },
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

async function makeTenant(url: string, shards: number): Promise<Tenant> {
  const name = `bench-shards-${shards}`;
  // The shard count is given at creation: one routing generation, as a new multi-shard tenant has.
  const key = await createTenant(url, name, shards);
  const tenant = await adminJson(url, `/v1/admin/tenants/${name}`);
  const routing = tenant.routing as Array<{ shards: number }>;
  const last = routing[routing.length - 1]?.shards;
  if (last !== shards)
    throw new Error(`tenant ${name}: routing ends with ${String(last)} shards, expected ${shards}`);
  return { shards, id: name, key, generations: routing.length };
}

/** Runs the load and samples CPU at the edges of its measuring window. */
async function measured(
  wrangler: Wrangler,
  group: number | null,
  port: number,
  tenant: Tenant,
  options: ShardsOptions,
  body: () => string,
): Promise<{ load: LoadResult; cpu: CpuWindow }> {
  let first: CpuSample | null = null;
  let last: CpuSample | null = null;
  const atStart = setTimeout(() => (first = sampleCpu(group, port)), options.warmupMs);
  const atEnd = setTimeout(() => (last = sampleCpu(group, port)), options.warmupMs + options.durationMs);
  const load = await runLoad({
    url: wrangler.url,
    path: "/v1/events",
    headers: { authorization: `Bearer ${tenant.key}`, "content-type": "application/json" },
    clients: options.clients,
    warmupMs: options.warmupMs,
    durationMs: options.durationMs,
    body,
    acknowledged: (_status, text) => (JSON.parse(text) as { accepted: number }).accepted,
  });
  clearTimeout(atStart);
  clearTimeout(atEnd);
  // The load ends with the window; a timer still due cannot have fired late by more than that.
  first ??= sampleCpu(group, port);
  last ??= sampleCpu(group, port);
  return { load, cpu: cpuBetween(first, last) };
}

export interface LogCount {
  log: string;
  events: number;
  /** Sealed batches (the log tree's size). */
  batches: number;
}

/** Events and sealed batches in each of a tenant's logs (GET /v1/logs). */
async function logCounts(url: string, tenant: Tenant): Promise<LogCount[] | string> {
  try {
    const res = await fetch(`${url}/v1/logs`, {
      headers: { authorization: `Bearer ${tenant.key}` },
      signal: AbortSignal.timeout(15_000),
    });
    if (!res.ok) return `GET /v1/logs answered ${res.status}`;
    const logs = (await res.json()) as Array<{ log: string; events: number; size: number }>;
    return logs.map((l) => ({ log: l.log, events: l.events, batches: l.size }));
  } catch (err) {
    return `GET /v1/logs failed: ${(err as Error).message}`;
  }
}

export async function shardsFigure(options: ShardsOptions): Promise<FigureResult> {
  const body = uniqueBodies(options);
  let wrangler: Wrangler | undefined;
  try {
    wrangler = await startWrangler({ vars: { ...EDGELOG_VARS } });
    const port = Number(new URL(wrangler.url).port);
    const group = findWranglerGroup(port);
    const tenants = new Map<number, Tenant>();
    for (const n of options.shardCounts) tenants.set(n, await makeTenant(wrangler.url, n));
    const runs: Run[] = [];
    for (let round = 0; round < options.rounds; round++) {
      for (const [position, shards] of roundOrder(options.shardCounts, round).entries()) {
        const { load, cpu } = await measured(wrangler, group, port, tenants.get(shards)!, options, body);
        if (load.events === 0) {
          throw new Error(
            `${shards} shard(s): no event acknowledged in round ${round + 1}; first failure: ${load.firstFailure ?? "none"}`,
          );
        }
        runs.push({ round, position, shards, load, cpu });
        process.stderr.write(
          `shards round ${round + 1}/${options.rounds}, ${shards} shard(s): ${fmtInt(load.eventsPerSecond)} events/s, machine ${fmt3(cpu.machineBusy * 100)} % busy\n`,
        );
      }
    }
    // Let the last pending events seal (BATCH_MS) before counting batches.
    await new Promise((r) => setTimeout(r, 1_500));
    const sizes = new Map<number, LogCount[] | string>();
    for (const [n, tenant] of tenants) sizes.set(n, await logCounts(wrangler.url, tenant));
    return render(options, [...tenants.values()], runs, sizes, group !== null);
  } finally {
    await wrangler?.stop();
  }
}

/** Per shard count, medians over rounds of everything the tables show. */
interface Summary {
  shards: number;
  generations: number;
  eventsPerSecond: number;
  /** Same-round ratios to the reference count's rate. */
  ratios: number[];
  p50: number;
  p99: number;
  machineBusy: number;
  /** Cores used by each role (CPU seconds per second). */
  coresByRole: Record<string, number>;
  loadGeneratorCores: number;
  otherCores: number;
  busiestThread: number;
  activeThreads: number;
  /** CPU milliseconds per 1,000 acknowledged events, by role, and the sum over the group and the load generator. */
  msPer1000ByRole: Record<string, number>;
  msPer1000LoadGenerator: number;
  msPer1000Total: number;
  cores: number;
}

function summarise(options: ShardsOptions, tenants: readonly Tenant[], runs: readonly Run[]): Summary[] {
  const reference = options.shardCounts[0]!;
  const refRate = (round: number) =>
    runs.find((r) => r.round === round && r.shards === reference)!.load.eventsPerSecond;
  const roles = [...new Set(runs.flatMap((r) => Object.keys(r.cpu.byRole)))].sort();
  return options.shardCounts.map((shards) => {
    const mine = runs.filter((r) => r.shards === shards);
    const perSecond = (r: Run, seconds: number) => (r.cpu.seconds > 0 ? seconds / r.cpu.seconds : NaN);
    const per1000 = (r: Run, seconds: number) => (perSecond(r, seconds) / r.load.eventsPerSecond) * 1e6;
    const byRole = (f: (r: Run, s: number) => number) =>
      Object.fromEntries(roles.map((role) => [role, median(mine.map((r) => f(r, r.cpu.byRole[role] ?? 0)))]));
    const groupSeconds = (r: Run) => Object.values(r.cpu.byRole).reduce((s, x) => s + x, 0);
    return {
      shards,
      generations: tenants.find((t) => t.shards === shards)!.generations,
      eventsPerSecond: median(mine.map((r) => r.load.eventsPerSecond)),
      ratios: mine.map((r) => r.load.eventsPerSecond / refRate(r.round)),
      p50: median(mine.map((r) => quantile(r.load.latenciesMs, 0.5))),
      p99: median(mine.map((r) => quantile(r.load.latenciesMs, 0.99))),
      machineBusy: median(mine.map((r) => r.cpu.machineBusy)),
      coresByRole: byRole(perSecond),
      loadGeneratorCores: median(mine.map((r) => perSecond(r, r.cpu.loadGenerator))),
      otherCores: median(mine.map((r) => perSecond(r, r.cpu.other))),
      busiestThread: median(mine.map((r) => r.cpu.busiestThread)),
      activeThreads: median(mine.map((r) => r.cpu.activeThreads)),
      msPer1000ByRole: byRole(per1000),
      msPer1000LoadGenerator: median(mine.map((r) => per1000(r, r.cpu.loadGenerator))),
      msPer1000Total: median(mine.map((r) => per1000(r, groupSeconds(r) + r.cpu.loadGenerator))),
      cores: median(mine.map((r) => r.cpu.cores)),
    };
  });
}

const pct = (share: number): string => `${fmt3(share * 100)} %`;
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;
/** A count that may be a median of two counts (x.5). */
const count = (n: number): string => (Number.isInteger(n) ? String(n) : fmt3(n));

/** Mean events per sealed batch of a tenant, NaN when its logs could not be read. */
function eventsPerBatch(logs: LogCount[] | string | undefined): number {
  if (logs === undefined || typeof logs === "string") return NaN;
  const batches = logs.reduce((a, l) => a + l.batches, 0);
  return batches > 0 ? logs.reduce((a, l) => a + l.events, 0) / batches : NaN;
}

/**
 * The paragraphs that say whether throughput rose with shards and why, built from the
 * measurements only: every claim is chosen by a comparison of measured numbers.
 */
function explain(
  summaries: readonly Summary[],
  sizes: Map<number, LogCount[] | string>,
  procOk: boolean,
): string[] {
  const ref = summaries[0]!;
  const top = summaries[summaries.length - 1]!;
  const ratio = median(top.ratios);
  const out: string[] = [];
  const versus = `${plural(top.shards, "shard")} acknowledged ${fmtRatio(ratio)} the events/s of ${plural(ref.shards, "shard")} (median of same-round ratios`;
  const trend =
    ratio >= 1 + FLAT
      ? `rose with shards: ${versus})`
      : ratio <= 1 - FLAT
        ? `fell with shards: ${versus})`
        : `did not rise with shards: ${versus}, within ±${FLAT * 100} % of equal)`;
  out.push(`**Result.** On this machine, throughput ${trend}.`);
  if (!procOk) {
    out.push(
      "CPU could not be attributed (no /proc, or the wrangler process group was not found), so the cause is not measured here.",
    );
    return out;
  }
  const busy = median(summaries.map((s) => s.machineBusy));
  const thread = median(summaries.map((s) => s.busiestThread));
  const active = median(summaries.map((s) => s.activeThreads));
  const cores = top.cores;
  const runtime = (s: Summary) => s.coresByRole["workerd runtime"] ?? NaN;
  const others = median(summaries.map((s) => s.otherCores));
  const why: string[] = [
    `the machine's ${cores} cores were ${pct(busy)} busy during the measured windows (median)${busy >= SATURATED ? ", with no idle core left for extra shards" : ", so not saturated as a whole"}${
      others >= SHARED
        ? `; processes outside this benchmark used ${fmt3(others)} cores of that (median), so the run shared the machine`
        : ""
    }`,
    `the workerd process that runs the Worker and every Durable Object used ${fmt3(runtime(ref))} cores with ${plural(ref.shards, "shard")} and ${fmt3(runtime(top))} with ${plural(top.shards, "shard")}; its busiest thread ran at ${pct(thread)} of a core, and ${count(active)} of its threads used more than 5 % of a core (medians)`,
  ];
  if (active < 1.5) {
    why.push(
      "so the JavaScript of the Worker and of all the shards' objects runs on that one thread: locally, N shards are N objects taking turns on one thread, not N single-threaded objects on machines of their own as on Cloudflare",
    );
  }
  const costRatio = top.msPer1000Total / ref.msPer1000Total;
  why.push(
    `the CPU spent per 1,000 acknowledged events (workerd, wrangler and the load generator together) was ${fmt3(ref.msPer1000Total)} ms with ${plural(ref.shards, "shard")} and ${fmt3(top.msPer1000Total)} ms with ${plural(top.shards, "shard")} (${fmtRatio(costRatio)}): ${
      Math.abs(costRatio - 1) < FLAT
        ? "the same work per event whatever the shard count"
        : costRatio > 1
          ? "more work per event with more shards"
          : "less work per event with more shards"
    }`,
  );
  const refBatch = eventsPerBatch(sizes.get(ref.shards));
  const topBatch = eventsPerBatch(sizes.get(top.shards));
  if (Number.isFinite(refBatch) && Number.isFinite(topBatch)) {
    why.push(
      `each request's events are split over the shards, one append call per shard, and each shard seals and signs its own batches: ${fmt3(refBatch)} events per sealed batch with ${plural(ref.shards, "shard")}, ${fmt3(topBatch)} with ${plural(top.shards, "shard")}`,
    );
  }
  out.push(`**Why.** ${why.map((w, i) => (i === 0 ? w[0]!.toUpperCase() + w.slice(1) : w)).join("; ")}.`);

  // Two ceilings: the busiest thread at a full core, and every core busy at the measured cost per event.
  const threadCeiling = (s: Summary) => s.eventsPerSecond / s.busiestThread;
  const machineCeiling = (s: Summary) => (s.cores / s.msPer1000Total) * 1e6;
  const binding = (s: Summary) => (threadCeiling(s) <= machineCeiling(s) ? "thread" : "machine");
  const ceilingText = (s: Summary) =>
    `${plural(s.shards, "shard")}: ≈ ${fmtInt(threadCeiling(s))} events/s with the busiest workerd thread at a full core, ≈ ${fmtInt(machineCeiling(s))} with all ${s.cores} cores busy at the measured CPU per event; measured ${fmtInt(s.eventsPerSecond)}`;
  const threadGain = threadCeiling(top) / threadCeiling(ref);
  const machineGain = machineCeiling(top) / machineCeiling(ref);
  const rises = (g: number) =>
    g >= 1 + FLAT
      ? `rises ${fmtRatio(g)}`
      : g <= 1 - FLAT
        ? `falls to ${fmtRatio(g)}`
        : `stays level (${fmtRatio(g)})`;
  out.push(
    `**Ceilings.** ${ceilingText(ref)}; ${ceilingText(top)}. The lower one binds: the ${binding(ref)} ceiling with ${plural(ref.shards, "shard")}, the ${binding(top)} ceiling with ${plural(top.shards, "shard")}. From ${plural(ref.shards, "shard")} to ${plural(top.shards, "shard")} the thread ceiling ${rises(threadGain)} and the machine ceiling ${rises(machineGain)}. ${
      top.activeThreads <= ref.activeThreads
        ? `Busy workerd threads (above 5 % of a core): ${count(ref.activeThreads)} with ${plural(ref.shards, "shard")}, ${count(top.activeThreads)} with ${plural(top.shards, "shard")}, so extra shards added objects here but no thread to run them on, and throughput can only rise with them where a ceiling does.`
        : `Busy workerd threads (above 5 % of a core) rose from ${count(ref.activeThreads)} to ${count(top.activeThreads)}, so extra shards did get more threads here; throughput rises with them only as far as a ceiling does.`
    }`,
  );
  const resharded = summaries.filter((s) => s.generations > 1);
  if (resharded.length > 0) {
    out.push(
      `**Routing generations.** A tenant starts with one shard, so the ${resharded.map((s) => `${s.shards}-shard`).join(" and ")} tenants have ${plural(resharded[0]!.generations, "routing generation")} after \`PUT …/shards\`. For events that the current generation routes away from shard 0, ingest also asks shard 0 whether they are already stored there (a resent event must stay a duplicate after a reshard): one more Durable Object call per request, part of the CPU above.`,
    );
  }
  return out;
}

function render(
  options: ShardsOptions,
  tenants: readonly Tenant[],
  runs: readonly Run[],
  sizes: Map<number, LogCount[] | string>,
  procOk: boolean,
): FigureResult {
  const summaries = summarise(options, tenants, runs);
  const ref = summaries[0]!;
  const rest = summaries.slice(1).reverse();
  const rows: Row[] = [
    ...rest.map((s): Row => ({
      measure: `acknowledged events/s, ${plural(s.shards, "shard")} (median of rounds)`,
      value: fmtInt(s.eventsPerSecond),
      peer: `${fmtInt(ref.eventsPerSecond)} (${plural(ref.shards, "shard")})`,
      ratio: fmtRatio(median(s.ratios)),
      target: "—",
      verdict: "no target",
    })),
    ...rest.flatMap((s): Row[] =>
      (["p50", "p99"] as const).map((q) => ({
        measure: `request latency ${q}, ${plural(s.shards, "shard")}, ms`,
        value: fmt3(s[q]),
        peer: `${fmt3(ref[q])} (${plural(ref.shards, "shard")})`,
        ratio: fmtRatio(s[q] / ref[q]),
        target: "—",
        verdict: "no target",
      })),
    ),
  ];
  // A role that used no measurable CPU in any window (esbuild between rebuilds) only adds a column of zeros.
  const roles = Object.keys(ref.coresByRole).filter((role) =>
    summaries.some((s) => (s.coresByRole[role] ?? 0) > 0.001),
  );
  const throughput = table(
    [
      "shards",
      "events/s",
      `ratio to ${plural(ref.shards, "shard")} (range)`,
      "p50 ms",
      "p99 ms",
      "routing generations",
    ],
    summaries.map((s) => {
      const [lo, hi] = range(s.ratios);
      return [
        String(s.shards),
        fmtInt(s.eventsPerSecond),
        `${fmtRatio(median(s.ratios))} (${fmtRatio(lo)} – ${fmtRatio(hi)})`,
        fmt3(s.p50),
        fmt3(s.p99),
        String(s.generations),
      ];
    }),
  );
  const utilisation = table(
    [
      "shards",
      "machine busy",
      ...roles.map((r) => `${r}, cores`),
      "load generator, cores",
      "other processes, cores",
      "busiest workerd thread",
    ],
    summaries.map((s) => [
      String(s.shards),
      pct(s.machineBusy),
      ...roles.map((r) => fmt3(s.coresByRole[r] ?? NaN)),
      fmt3(s.loadGeneratorCores),
      fmt3(s.otherCores),
      `${pct(s.busiestThread)} of a core`,
    ]),
  );
  const cost = table(
    ["shards", ...roles.map((r) => `${r}, CPU ms`), "load generator, CPU ms", "total, CPU ms"],
    summaries.map((s) => [
      String(s.shards),
      ...roles.map((r) => fmt3(s.msPer1000ByRole[r] ?? NaN)),
      fmt3(s.msPer1000LoadGenerator),
      fmt3(s.msPer1000Total),
    ]),
  );
  const perRun = table(
    [
      "round",
      "order",
      "shards",
      "events/s",
      "p50 / p99 ms",
      "machine busy",
      "other processes, cores",
      "busiest workerd thread",
    ],
    runs.map((r) => [
      String(r.round + 1),
      String(r.position + 1),
      String(r.shards),
      fmtInt(r.load.eventsPerSecond),
      `${fmt3(quantile(r.load.latenciesMs, 0.5))} / ${fmt3(quantile(r.load.latenciesMs, 0.99))}`,
      pct(r.cpu.machineBusy),
      fmt3(r.cpu.seconds > 0 ? r.cpu.other / r.cpu.seconds : NaN),
      pct(r.cpu.busiestThread),
    ]),
  );
  const spread = [...sizes].map(([n, logs]) => {
    if (typeof logs === "string") return `${plural(n, "shard")}: ${logs}`;
    const events = logs.reduce((a, l) => a + l.events, 0);
    const batches = logs.reduce((a, l) => a + l.batches, 0);
    const each = logs
      .map((l) => `log ${l.log} ${fmt3(events > 0 ? (l.events / events) * 100 : 0)} %`)
      .join(", ");
    return `${plural(n, "shard")}: ${fmtInt(events)} events in ${fmtInt(batches)} batches (${fmt3(events / batches)} events a batch); ${each}`;
  });
  const statuses: Record<number, number> = {};
  for (const r of runs)
    for (const [k, v] of Object.entries(r.load.statuses))
      statuses[Number(k)] = (statuses[Number(k)] ?? 0) + v;
  const failures = runs.reduce((n, r) => n + r.load.failures, 0);
  const firstFailure = runs.find((r) => r.load.firstFailure)?.load.firstFailure;
  const changed = runs.reduce((n, r) => n + r.cpu.changed, 0);
  return {
    id: "shards",
    title: "Scale-out: ingest with 1, 2 and 4 shards (HTTP on loopback, one wrangler dev)",
    rows,
    method: [
      `One \`wrangler dev\` of the repository's wrangler.toml, fresh persist dir; one tenant per shard count (${options.shardCounts.join(", ")}), each created with one shard and set with \`PUT /v1/admin/tenants/{t}/shards\`. Events route to shards by decision_id, and every event has its own.`,
      `Load: ${options.clients} closed-loop keep-alive HTTP clients on 127.0.0.1, ${options.eventsPerRequest} generated DES 0.3.0 events per request (the ingest figure's generator and tier mix), every event new. Counted: the \`accepted\` total of each 2xx answer completing inside the window.`,
      `${options.rounds} rounds; each runs every shard count once for ${options.warmupMs / 1000} s warm-up then ${options.durationMs / 1000} s measured, in an order rotated per round (${Array.from({ length: options.rounds }, (_, r) => roundOrder(options.shardCounts, r).join("→")).join(", ")}). Values are medians over rounds; a ratio is the median of same-round ratios to ${plural(ref.shards, "shard")}.`,
      'CPU over each measured window: the whole machine from `/proc/stat`; each process of the `wrangler dev` process group (wrangler\'s Node process, the workerd entry proxy on the public port, the workerd runtime holding the Worker and every Durable Object) from `/proc/<pid>/stat` utime + stime, and each runtime thread from `/proc/<pid>/task/<tid>/stat`; the load generator from `process.cpuUsage()`. "Cores" is CPU-seconds per second; "other processes" is the machine\'s busy time outside these.',
      `Answers in the measured windows by status: ${Object.entries(statuses)
        .map(([k, v]) => `${k === "0" ? "no answer" : k} × ${fmtInt(v)}`)
        .join(
          ", ",
        )}; requests acknowledging no event: ${failures}${firstFailure ? ` (first: ${firstFailure.slice(0, 160)})` : ""}.${changed > 0 ? ` Processes started or ended inside a window ${changed} time(s); their time is not counted.` : ""}`,
    ],
    details: [
      ...explain(summaries, sizes, procOk),
      "Throughput and request latency per shard count (medians over rounds):",
      throughput,
      "Where the cores went (CPU-seconds per second of measured window, medians over rounds):",
      utilisation,
      "CPU per 1,000 acknowledged events (ms, medians over rounds):",
      cost,
      `Events stored per tenant after all rounds (warm-ups included), sealed batches, and each log's share of the events (\`GET /v1/logs\`): ${spread.join("; ")}.`,
      "Per run:",
      perRun,
    ],
    raw: {
      options,
      tenants: tenants.map((t) => ({ shards: t.shards, id: t.id, generations: t.generations })),
      summaries,
      shardSizes: Object.fromEntries(sizes),
      runs: runs.map((r) => ({
        round: r.round + 1,
        position: r.position + 1,
        shards: r.shards,
        eventsPerSecond: r.load.eventsPerSecond,
        requests: r.load.requests,
        failures: r.load.failures,
        p50: quantile(r.load.latenciesMs, 0.5),
        p99: quantile(r.load.latenciesMs, 0.99),
        cpu: r.cpu,
      })),
    },
  };
}

/**
 * Figure (opt-in, `node bench/run.mjs steady`): steady as the log grows. Ten minutes of the
 * ingest figure's load at full speed into one shard of one `wrangler dev`, with acknowledged
 * events per minute, workerd's resident memory from /proc and the isolate's JavaScript heap
 * from the inspector, so a fall in throughput or a rise in memory shows when it happens and
 * whether it is the JavaScript heap (our objects) or memory outside it.
 */
import { createEventGenerator } from "../events";
import { runLoad } from "../load";
import { cpuBetween, findWranglerGroup, residentMemory, sampleCpu, type CpuSample } from "../proc-cpu";
import { fmt3, fmtInt, fmtRatio, table, verdict, type FigureResult } from "../report";
import { quantile } from "../stats";
import { openInspector, type Inspector } from "../worker-profile";
import { createTenant, EDGELOG_VARS, startWrangler } from "../wrangler";
import { loadAverage } from "../machine";

export interface SteadyOptions {
  durationMs: number;
  /** Width of one row of the time series ("a minute"). */
  bucketMs: number;
  /** How often memory is sampled. */
  sampleMs: number;
  clients: number;
  eventsPerRequest: number;
  templates: number;
}

export const STEADY_FULL: SteadyOptions = {
  durationMs: 600_000,
  bucketMs: 60_000,
  sampleMs: 5_000,
  clients: 8,
  eventsPerRequest: 100,
  templates: 32,
};
export const STEADY_QUICK: SteadyOptions = {
  durationMs: 15_000,
  bucketMs: 5_000,
  sampleMs: 1_000,
  clients: 2,
  eventsPerRequest: 20,
  templates: 2,
};

const THROUGHPUT_TARGET = 0.9;
/** Memory "levels off" when the last LEVEL_BUCKETS buckets added at most LEVEL_RISE of it. */
const LEVEL_BUCKETS = 3;
const LEVEL_RISE = 0.05;
const MB = 2 ** 20;
const TOKEN = "~T~";

function uniqueBodies(options: SteadyOptions): () => string {
  const generator = createEventGenerator({ seed: 11, idPrefix: TOKEN });
  const templates = Array.from({ length: options.templates }, () =>
    JSON.stringify(Array.from({ length: options.eventsPerRequest }, () => generator.next())).split(TOKEN),
  );
  const runTag = `t${Date.now().toString(36)}`;
  let n = 0;
  return () => {
    n++;
    return templates[n % templates.length]!.join(`${runTag}.${n.toString(36)}`);
  };
}

interface Bucket {
  events: number;
  latencies: number[];
  failures: number;
  /** Resident bytes of workerd's runtime process at each sample in the bucket, with its anonymous and file-backed parts. */
  rss: number[];
  anon: number[];
  file: number[];
  /** JavaScript heap of the isolate (used bytes) at the bucket's end; NaN when not read. */
  heapUsed: number;
  heapTotal: number;
  cpuCores: number;
}

async function heapUsage(inspector: Inspector | null): Promise<{ used: number; total: number }> {
  if (!inspector) return { used: NaN, total: NaN };
  try {
    const r = (await inspector.send("Runtime.getHeapUsage", {}, true)) as {
      usedSize: number;
      totalSize: number;
    };
    return { used: r.usedSize, total: r.totalSize };
  } catch {
    return { used: NaN, total: NaN };
  }
}

export async function steadyFigure(options: SteadyOptions): Promise<FigureResult> {
  const loadAtStart = loadAverage();
  const edgelog = await startWrangler({ vars: { ...EDGELOG_VARS } });
  let inspector: Inspector | null = null;
  try {
    const key = await createTenant(edgelog.url, "bench-steady");
    const port = Number(new URL(edgelog.url).port);
    const group = findWranglerGroup(port);
    const runtimePid = () =>
      [...sampleCpu(group, port).processes.values()].find((p) => p.role === "workerd runtime")?.pid ?? null;
    try {
      inspector = await openInspector(edgelog.inspectorPort);
    } catch {
      inspector = null;
    }
    const count = Math.ceil(options.durationMs / options.bucketMs);
    const buckets: Bucket[] = Array.from({ length: count }, () => ({
      events: 0,
      latencies: [],
      failures: 0,
      rss: [],
      anon: [],
      file: [],
      heapUsed: NaN,
      heapTotal: NaN,
      cpuCores: NaN,
    }));
    const started = performance.now();
    const bucketAt = (ms: number) => Math.min(count - 1, Math.floor(ms / options.bucketMs));
    // Memory every sampleMs; CPU and the JS heap at every bucket's end.
    let lastCpu: CpuSample = sampleCpu(group, port);
    let nextBucketEnd = options.bucketMs;
    const sampler = setInterval(() => {
      const at = performance.now() - started;
      const pid = runtimePid();
      if (pid !== null && at < options.durationMs) {
        const b = buckets[bucketAt(at)]!;
        const m = residentMemory(pid);
        b.rss.push(m.rss);
        b.anon.push(m.anon);
        b.file.push(m.file);
      }
      if (at >= nextBucketEnd && nextBucketEnd <= options.durationMs) {
        const b = buckets[bucketAt(nextBucketEnd - 1)]!;
        nextBucketEnd += options.bucketMs;
        const now = sampleCpu(group, port);
        const w = cpuBetween(lastCpu, now);
        lastCpu = now;
        b.cpuCores = (w.byRole["workerd runtime"] ?? NaN) / w.seconds;
        void heapUsage(inspector).then((h) => {
          b.heapUsed = h.used;
          b.heapTotal = h.total;
        });
      }
    }, options.sampleMs);
    const body = uniqueBodies(options);
    try {
      await runLoad({
        url: edgelog.url,
        path: "/v1/events",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        clients: options.clients,
        warmupMs: 0,
        durationMs: options.durationMs,
        body,
        acknowledged: (_status, text) => (JSON.parse(text) as { accepted: number }).accepted,
        onAnswer: ({ atMs, latencyMs, events }) => {
          if (atMs >= options.durationMs) return;
          const b = buckets[bucketAt(atMs)]!;
          b.events += events;
          b.latencies.push(latencyMs);
          if (events === 0) b.failures++;
        },
      });
    } finally {
      clearInterval(sampler);
    }
    // The last bucket's heap reading may still be on its way.
    if (Number.isNaN(buckets[count - 1]!.heapUsed)) {
      const h = await heapUsage(inspector);
      buckets[count - 1]!.heapUsed = h.used;
      buckets[count - 1]!.heapTotal = h.total;
    }
    const listed = await fetch(`${edgelog.url}/v1/logs`, { headers: { authorization: `Bearer ${key}` } });
    const logs = listed.ok
      ? ((await listed.json()) as Array<{ events: number; size: number; pending: number }>)
      : [];
    return render(options, buckets, logs, loadAtStart, loadAverage());
  } finally {
    inspector?.close();
    await edgelog.stop();
  }
}

function render(
  options: SteadyOptions,
  buckets: Bucket[],
  logs: Array<{ events: number; size: number; pending: number }>,
  loadAtStart: string,
  loadAtEnd: string,
): FigureResult {
  const seconds = options.bucketMs / 1000;
  const rate = (b: Bucket) => b.events / seconds;
  const first = buckets[0]!;
  const last = buckets[buckets.length - 1]!;
  const throughputRatio = rate(last) / rate(first);
  const endRss = (b: Bucket) => b.rss[b.rss.length - 1] ?? NaN;
  const endOf = (list: number[]) => list[list.length - 1] ?? NaN;
  const anonRise = (endOf(last.anon) - endOf(first.anon)) / MB;
  const fileRise = (endOf(last.file) - endOf(first.file)) / MB;
  const earlier = buckets[Math.max(0, buckets.length - 1 - LEVEL_BUCKETS)]!;
  const rise = endRss(last) / endRss(earlier);
  const unit = options.bucketMs === 60_000 ? "minute" : `${seconds} s`;
  const units = (n: number) => (options.bucketMs === 60_000 ? `${n} minutes` : `${n} × ${seconds} s`);
  const total = buckets.reduce((s, b) => s + b.events, 0);
  const log = logs[0];
  const heapRise = (last.heapUsed - first.heapUsed) / MB;
  const rssRise = (endRss(last) - endRss(first)) / MB;
  const cpuRatio = last.cpuCores / first.cpuCores;
  const perEventCpu = (b: Bucket) => (b.cpuCores * 1000 * 1000) / rate(b);
  const why = [
    `From the first ${unit} to the last, workerd's resident memory went from ${fmtInt(endRss(first) / MB)} to ${fmtInt(endRss(last) / MB)} MB (${rssRise >= 0 ? "+" : ""}${fmtInt(rssRise)} MB) and the isolate's JavaScript heap in use from ${fmt3(first.heapUsed / MB)} to ${fmt3(last.heapUsed / MB)} MB (${heapRise >= 0 ? "+" : ""}${fmt3(heapRise)} MB)`,
    Number.isFinite(heapRise) && Number.isFinite(rssRise)
      ? heapRise > 0.5 * rssRise
        ? ": most of the rise is in the JavaScript heap (objects the Worker or the shards keep)."
        : ": most of the rise is outside the JavaScript heap."
      : ".",
    ` Of the resident memory's change, ${fmtInt(anonRise)} MB is anonymous (private memory: workerd's native allocations, SQLite's page caches, the V8 heap's reserved pages) and ${fmtInt(fileRise)} MB file-backed or shared (pages of mapped files such as the Durable Objects' SQLite databases and their WAL index, which the kernel can reclaim).`,
    ` workerd CPU per 1,000 events went from ${fmt3(perEventCpu(first))} ms to ${fmt3(perEventCpu(last))} ms (${fmtRatio(perEventCpu(last) / perEventCpu(first))}) while the runtime's CPU share changed ${fmtRatio(cpuRatio)}: ${perEventCpu(last) > 1.1 * perEventCpu(first) ? "each event costs more as the log grows" : "each event costs no more as the log grows, so a change in rate follows the CPU the process got"}.`,
  ].join("");
  return {
    id: "steady",
    title: "Steady as the log grows: 10 minutes at full speed into one shard (wrangler dev)",
    rows: [
      {
        measure: `acknowledged events/s, last ${unit} vs first`,
        value: fmtInt(rate(last)),
        peer: `${fmtInt(rate(first))} (first ${unit})`,
        ratio: fmtRatio(throughputRatio),
        target: `≥ ${THROUGHPUT_TARGET}×`,
        verdict: verdict(throughputRatio, THROUGHPUT_TARGET),
      },
      {
        measure: `workerd runtime resident memory at the end vs ${units(LEVEL_BUCKETS)} earlier, MB`,
        value: fmtInt(endRss(last) / MB),
        peer: fmtInt(endRss(earlier) / MB),
        ratio: fmtRatio(rise),
        target: `levels off: ≤ ${1 + LEVEL_RISE}×`,
        verdict: Number.isFinite(rise) && rise <= 1 + LEVEL_RISE ? "met" : "missed",
      },
      {
        measure: "events acknowledged in the run",
        value: fmtInt(total),
        peer: "—",
        ratio: "—",
        target: "—",
        verdict: "no target",
      },
    ],
    method: [
      `One \`wrangler dev\` of the repository's wrangler.toml, fresh persist dir, one tenant with one shard and the default policy; ${options.clients} closed-loop keep-alive HTTP clients on 127.0.0.1 send ${options.eventsPerRequest} generated DES events per request (the ingest figure's generator; every event new) for ${options.durationMs / 60_000} minutes without pause. Counted per ${unit}: the \`accepted\` total of the answers completing in it. wrangler dev runs with its local request tracing off (\`X_LOCAL_OBSERVABILITY=false\`, as every figure here): it keeps a trace of each request inside the same workerd process, and its memory would be counted as edgelog's.`,
      `Memory: VmRSS of workerd's runtime process (the one holding the Worker and every Durable Object) from /proc every ${options.sampleMs / 1000} s, split into RssAnon and RssFile + RssShmem; the isolate's JavaScript heap (\`Runtime.getHeapUsage\` through \`wrangler dev\`'s inspector, used / total) at the end of each ${unit}. Memory levels off when the last ${units(LEVEL_BUCKETS)} added at most ${LEVEL_RISE * 100} % to the resident size.`,
      `The log after the run (\`GET /v1/logs\`): ${log ? `${fmtInt(log.events)} events in ${fmtInt(log.size)} batches, ${fmtInt(log.pending)} pending` : "not read"}.`,
      `Load average (1, 5, 15 min) at start ${loadAtStart}, at end ${loadAtEnd}; the machine is shared, so a change in other processes' load moves the per-${unit} rate too (compare the workerd CPU column).`,
    ],
    details: [
      `**Why.** ${why}`,
      `Per ${unit}:`,
      table(
        [
          unit,
          "events/s",
          "latency p50 / p99 ms",
          "failed requests",
          "workerd RSS at end (anon + file), MB",
          "RSS max, MB",
          "JS heap used / total, MB",
          "workerd CPU, cores",
        ],
        buckets.map((b, i) => [
          String(i + 1),
          fmtInt(rate(b)),
          `${fmt3(quantile(b.latencies, 0.5))} / ${fmt3(quantile(b.latencies, 0.99))}`,
          fmtInt(b.failures),
          `${fmtInt(endRss(b) / MB)} (${fmtInt(endOf(b.anon) / MB)} + ${fmtInt(endOf(b.file) / MB)})`,
          fmtInt(Math.max(...b.rss) / MB),
          `${fmt3(b.heapUsed / MB)} / ${fmt3(b.heapTotal / MB)}`,
          fmt3(b.cpuCores),
        ]),
      ),
    ],
    raw: {
      options,
      loadAtStart,
      loadAtEnd,
      logs,
      buckets: buckets.map((b) => ({
        events: b.events,
        requests: b.latencies.length,
        failures: b.failures,
        p50: quantile(b.latencies, 0.5),
        p99: quantile(b.latencies, 0.99),
        rss: b.rss,
        anon: b.anon,
        file: b.file,
        heapUsed: b.heapUsed,
        heapTotal: b.heapTotal,
        cpuCores: b.cpuCores,
      })),
    },
  };
}

/**
 * Figure: what an event costs. The Worker's CPU per event (the ingest route's parse, validate,
 * canonicalize and hash, run in workerd), the billed SQLite rows written per event by the real
 * LogShard over a real append + seal + archive run (summed from the SQL cursors' rowsWritten,
 * plus one per setAlarm, as Cloudflare bills them), the bytes kept in SQLite and R2, and from
 * these the cost of a million events ingested and kept a year at Cloudflare's list prices.
 */
import { cpuBetween, findWranglerGroup, sampleCpu } from "../proc-cpu";
import { fmt3, fmtInt, table, type FigureResult } from "../report";
import { median, range } from "../stats";
import { startBenchWorker, type Wrangler } from "../wrangler";
import { loadAverage } from "../machine";
import { PRICES, PRICES_READ_ON, PRICE_SOURCES } from "../prices";
import { DEFAULTS } from "../../../src/worker/config";

/** The bench shard runs with the deployment's defaults (bench/worker/sequencer.ts), offloading included. */
const KEEP_BATCHES = DEFAULTS.archiveKeepBatches;

export interface CostOptions {
  /** Timed calls of the Worker's per-event work; each prepares `cpuRequests` × `eventsPerRequest` events `cpuIterations` times. */
  cpuRounds: number;
  cpuRequests: number;
  cpuIterations: number;
  eventsPerRequest: number;
  /** Requests sent to the metered shard before the counted fill (schema creation, first batch). */
  warmRequests: number;
  /** Requests of the counted fill, sent by `clients` concurrent callers. */
  fillRequests: number;
  clients: number;
}

export const COST_FULL: CostOptions = {
  cpuRounds: 5,
  cpuRequests: 8,
  cpuIterations: 3,
  eventsPerRequest: 100,
  warmRequests: 3,
  fillRequests: 256,
  clients: 4,
};
export const COST_QUICK: CostOptions = {
  cpuRounds: 1,
  cpuRequests: 2,
  cpuIterations: 1,
  eventsPerRequest: 20,
  warmRequests: 1,
  fillRequests: 20,
  clients: 2,
};

const ROWS_TARGET = 2.1;
const MONTHS_KEPT = 12;
/** Sustained rate per shard at which the figure prices Durable Object duration (see the note). */
const DURATION_RATE = 1000;
/** Memory an active Durable Object is billed for, in GB. */
const DO_GB = 0.128;

interface Meter {
  rowsWritten: number;
  rowsRead: number;
  setAlarms: number;
  byStatement: Record<string, number>;
  appends: number;
  alarms: number;
  events: number;
  pending: number;
  batches: number;
  offloaded: number;
  databaseBytes: number;
  totalsBytes: number;
  r2Objects: number;
  r2Bytes: number;
}

async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${init?.method ?? "GET"} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Sends `requests` replayed requests to the metered shard, `clients` at a time. */
async function fill(worker: Wrangler, requests: number, clients: number): Promise<void> {
  let next = 0;
  const caller = async () => {
    while (next < requests) {
      next++;
      const { stored } = await getJson<{ stored: number }>(`${worker.url}/sequencer/append?target=metered`, {
        method: "POST",
      });
      if (stored === 0) throw new Error("the metered shard acknowledged no event (overloaded?)");
    }
  };
  await Promise.all(Array.from({ length: clients }, caller));
}

/**
 * The meter once every event is sealed, every sealed batch archived and every batch older than
 * the newest KEEP_BATCHES offloaded (the alarm seals the tail).
 */
async function settled(worker: Wrangler): Promise<Meter> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const m = await getJson<Meter>(`${worker.url}/sequencer/meter`);
    const offloadable = KEEP_BATCHES > 0 ? Math.max(0, m.batches - KEEP_BATCHES) : 0;
    if (m.pending === 0 && m.r2Objects >= m.batches && m.offloaded >= offloadable) return m;
    if (Date.now() > deadline)
      throw new Error(`the shard did not settle in 60 s: ${JSON.stringify(m).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function costFigure(options: CostOptions): Promise<FigureResult> {
  const loadAtStart = loadAverage();
  const worker = await startBenchWorker();
  try {
    const port = Number(new URL(worker.url).port);
    const group = findWranglerGroup(port);
    // Worker CPU: one warm-up call (JIT), then timed calls with workerd's CPU from /proc around each.
    const prepareUrl = `${worker.url}/sequencer/prepare?requests=${options.cpuRequests}&events=${options.eventsPerRequest}&iterations=${options.cpuIterations}`;
    await getJson(prepareUrl);
    const cpu: Array<{ cpuUs: number; wallUs: number }> = [];
    for (let r = 0; r < options.cpuRounds; r++) {
      const before = sampleCpu(group, port);
      const { ms, events } = await getJson<{ ms: number; events: number }>(prepareUrl);
      const window = cpuBetween(before, sampleCpu(group, port));
      cpu.push({
        cpuUs: ((window.byRole["workerd runtime"] ?? NaN) * 1e6) / events,
        wallUs: (ms * 1000) / events,
      });
    }
    // Billed rows: a warm-up fill, then the counted fill, each settled (sealed and archived).
    const pool = await getJson<{ meanEventBytes: number; meanRetainedBytes: number }>(
      `${worker.url}/sequencer/setup?requests=64&events=${options.eventsPerRequest}`,
      { method: "POST" },
    );
    await fill(worker, options.warmRequests, 1);
    const before = await settled(worker);
    await fill(worker, options.fillRequests, options.clients);
    const after = await settled(worker);
    return render(options, cpu, pool, before, after, loadAtStart, loadAverage());
  } finally {
    await worker.stop();
  }
}

function render(
  options: CostOptions,
  cpu: Array<{ cpuUs: number; wallUs: number }>,
  pool: { meanEventBytes: number; meanRetainedBytes: number },
  before: Meter,
  after: Meter,
  loadAtStart: string,
  loadAtEnd: string,
): FigureResult {
  const d = (k: Exclude<keyof Meter, "byStatement">) => after[k] - before[k];
  const events = d("events");
  const cpuUs = median(cpu.map((c) => c.cpuUs));
  const wallUs = median(cpu.map((c) => c.wallUs));
  const [cpuLo, cpuHi] = range(cpu.map((c) => c.cpuUs));
  const cursorRows = d("rowsWritten") / events;
  const alarmRows = d("setAlarms") / events;
  const rowsPerEvent = cursorRows + alarmRows;
  const sqliteBytes = d("databaseBytes") / events;
  const r2Bytes = d("r2Bytes") / events;
  const million = 1e6;
  const requestsPerMillion = million / options.eventsPerRequest;
  const doRequestsPerMillion = ((d("appends") + d("alarms")) / events) * million;
  const gbYears = (bytesPerEvent: number) => ((bytesPerEvent * million) / 1e9) * MONTHS_KEPT;
  const lines: Array<[string, string, number]> = [
    [
      "Workers requests",
      `${fmtInt(requestsPerMillion)} requests (${options.eventsPerRequest} events each) × $${PRICES.workerRequestPerMillion}/M`,
      (requestsPerMillion / million) * PRICES.workerRequestPerMillion,
    ],
    [
      "Workers CPU",
      `${fmt3(cpuUs)} µs/event → ${fmtInt((cpuUs * million) / 1000)} CPU ms × $${PRICES.workerCpuPerMillionMs}/M ms`,
      ((cpuUs * million) / 1000 / million) * PRICES.workerCpuPerMillionMs,
    ],
    [
      "Durable Object requests",
      `${fmtInt(doRequestsPerMillion)} (append RPCs and alarms, measured) × $${PRICES.doRequestPerMillion}/M`,
      (doRequestsPerMillion / million) * PRICES.doRequestPerMillion,
    ],
    [
      "Durable Object duration",
      `${fmtInt(million / DURATION_RATE)} s active at ${fmtInt(DURATION_RATE)} events/s × ${DO_GB} GB × $${PRICES.doDurationPerMillionGbS}/M GB-s`,
      ((million / DURATION_RATE) * DO_GB * PRICES.doDurationPerMillionGbS) / million,
    ],
    [
      "SQLite rows written",
      `${fmt3(rowsPerEvent)} rows/event × $${PRICES.sqliteRowsWrittenPerMillion}/M`,
      rowsPerEvent * PRICES.sqliteRowsWrittenPerMillion,
    ],
    [
      "SQLite rows read",
      `${fmt3(d("rowsRead") / events)} rows/event × $${PRICES.sqliteRowsReadPerMillion}/M`,
      (d("rowsRead") / events) * PRICES.sqliteRowsReadPerMillion,
    ],
    [
      `SQLite storage, ${MONTHS_KEPT} months`,
      `${fmtInt(sqliteBytes)} B/event → ${fmt3(gbYears(sqliteBytes))} GB-months × $${PRICES.sqliteStoredPerGbMonth}`,
      gbYears(sqliteBytes) * PRICES.sqliteStoredPerGbMonth,
    ],
    [
      `R2 storage, ${MONTHS_KEPT} months`,
      `${fmtInt(r2Bytes)} B/event → ${fmt3(gbYears(r2Bytes))} GB-months × $${PRICES.r2StoredPerGbMonth}`,
      gbYears(r2Bytes) * PRICES.r2StoredPerGbMonth,
    ],
    [
      "R2 Class A (one PUT per sealed batch)",
      `${fmtInt((d("r2Objects") / events) * million)} PUTs × $${PRICES.r2ClassAPerMillion}/M`,
      (d("r2Objects") / events) * PRICES.r2ClassAPerMillion,
    ],
  ];
  const total = lines.reduce((s, l) => s + l[2], 0);
  const money = (x: number) => `$${x >= 0.1 ? x.toFixed(2) : x.toPrecision(2)}`;
  const byStatement = Object.entries(after.byStatement)
    .map(([name, rows]) => [name, (rows - (before.byStatement[name] ?? 0)) / events] as const)
    .filter(([, perEvent]) => perEvent > 0)
    .sort((a, b) => b[1] - a[1]);
  return {
    id: "cost",
    title: "Worker CPU, billed rows and cost per million events",
    rows: [
      {
        measure: "Worker CPU per event: parse, validate, canonicalize, hash (workerd), µs",
        value: fmt3(cpuUs),
        peer: `${fmt3(wallUs)} µs wall`,
        ratio: "—",
        target: "—",
        verdict: "no target",
      },
      {
        measure: "billed SQLite rows written per event (append + seal + indexes + setAlarm)",
        value: fmt3(rowsPerEvent),
        peer: "—",
        ratio: "—",
        target: `≤ ${ROWS_TARGET}`,
        verdict: rowsPerEvent <= ROWS_TARGET ? "met" : "missed",
      },
      {
        measure: `cost per million events ingested and kept ${MONTHS_KEPT} months, USD`,
        value: money(total),
        peer: "—",
        ratio: "—",
        target: "—",
        verdict: "no target",
      },
    ],
    method: [
      `Worker CPU: the bench Worker runs the ingest route's own \`parseEvents\` and \`prepareItem\` (I-JSON and shape checks, JSON.parse, DES validation, RFC 8785 canonicalization, SHA-256 id, current_hash check, default policy, masking) over ${options.cpuRequests} bodies of ${options.eventsPerRequest} generated events (~1.5 KB each) ${options.cpuIterations} times per call, in workerd under \`wrangler dev\`; ${options.cpuRounds} calls after one warm-up. Reported: CPU of workerd's runtime process from /proc over the call ÷ events (median; range ${fmt3(cpuLo)} – ${fmt3(cpuHi)} µs), beside the wall time workerd's clock gives. Not included: per-request work (authentication, routing, the answer), spread over ${options.eventsPerRequest} events. Figure 8 has the parts in Node.`,
      `Rows: edgelog's LogShard class with billing meters (bench/worker/sequencer.ts, \`MeteredLogShard\`: the deployment's class is unchanged) is sent ${fmtInt(options.fillRequests)} requests of ${options.eventsPerRequest} prepared events by RPC (the sequencer figure's replay; mean ${fmtInt(pool.meanEventBytes)} B of request JSON per event, default policy and tier mix), ${options.clients} at a time, after ${options.warmRequests} warm-up requests; counted once every event is sealed and every batch archived in R2. Rows written = sum of every SQL cursor's \`rowsWritten\` (the billed count) + one per \`setAlarm\` call (Cloudflare bills each as a row written). Counted: ${fmtInt(events)} events in ${fmtInt(d("batches"))} batches, ${fmtInt(d("appends"))} append calls, ${fmtInt(d("alarms"))} alarms.`,
      `Storage: growth of the shard's \`databaseSize\` (SQLite pages, all tables and indexes) and of the archive bucket's object sizes over the counted fill, per event. ${
        KEEP_BATCHES > 0
          ? `ARCHIVE_KEEP_BATCHES ${KEEP_BATCHES}, the default: the bodies of archived batches older than the newest ${KEEP_BATCHES} leave SQLite and stay in R2 only; when counted, ${fmtInt(after.offloaded)} of ${fmtInt(after.batches)} batches had (${fmtInt(before.offloaded)} of ${fmtInt(before.batches)} before the counted fill), so the SQLite figure mixes batches with and without bodies and falls towards the envelopes-only size as the log grows. Offloading writes rows too (a bundle rewrite and the shard's progress per batch), counted above.`
          : `ARCHIVE_KEEP_BATCHES 0, the default: full bodies stay in SQLite and are also in R2.`
      }`,
      `Prices: Cloudflare's published Workers Paid list prices read on ${PRICES_READ_ON} (${PRICE_SOURCES.join(", ")}): Workers $${PRICES.workerRequestPerMillion}/M requests and $${PRICES.workerCpuPerMillionMs}/M CPU ms; Durable Objects $${PRICES.doRequestPerMillion}/M requests and $${PRICES.doDurationPerMillionGbS}/M GB-s; SQLite $${PRICES.sqliteRowsWrittenPerMillion}/M rows written, $${PRICES.sqliteRowsReadPerMillion}/M rows read, $${PRICES.sqliteStoredPerGbMonth}/GB-month; R2 Standard $${PRICES.r2StoredPerGbMonth}/GB-month and $${PRICES.r2ClassAPerMillion}/M Class A operations. Marginal cost: the $5 monthly minimum and the included allowances are left out. Kept ${MONTHS_KEPT} months = the stored bytes for ${MONTHS_KEPT} GB-months per GB.`,
      `Durable Object duration depends on the rate, not on the events: a shard receiving a steady stream stays active, so it is priced at ${fmtInt(DURATION_RATE)} events/s sustained on one shard (at a lower rate a million events keep it active longer). Not priced: the registry and key lookups (cached per isolate for AUTH_CACHE_MS), witness and head traffic, reads.`,
      `Load average (1, 5, 15 min) at start ${loadAtStart}, at end ${loadAtEnd}.`,
    ],
    details: [
      "Cost of one million events (marginal list prices):",
      table(
        ["item", "quantity × price", "USD"],
        [...lines.map(([item, how, usd]) => [item, how, money(usd)]), ["total", "", money(total)]],
      ),
      `The stats totals (\`stats_totals\`: a counts row that every seal reads and rewrites, plus one key-dictionary row per group, rewritten only when the group takes a new key; at most 256 keys per group and shard) held ${fmtInt(before.totalsBytes)} B after ${fmtInt(before.events)} events and ${fmtInt(after.totalsBytes)} B after ${fmtInt(after.events)}: ${fmt3(d("totalsBytes") / events)} B more per event. The key cap bounds both rows, so a seal's stats work stops growing once each group has its 256 keys.`,
      "Rows written per event by statement (cursor counts; setAlarm calls listed separately):",
      table(
        ["statement", "rows per event"],
        [
          ...byStatement.map(([name, perEvent]) => [`\`${name}\``, fmt3(perEvent)]),
          ["`setAlarm`", fmt3(alarmRows)],
          ["total", fmt3(rowsPerEvent)],
        ],
      ),
    ],
    raw: {
      options,
      cpu,
      pool,
      before,
      after,
      rowsPerEvent,
      sqliteBytes,
      r2Bytes,
      costUsd: total,
      loadAtStart,
      loadAtEnd,
    },
  };
}

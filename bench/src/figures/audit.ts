/**
 * Figure 6: offline audit rate. Fills a fresh `wrangler dev` with sealed events, then times the
 * `edgelog audit` command (bin/edgelog.mjs) checking each of the tenant's logs end to end.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEventGenerator } from "../events";
import { repoPath } from "../paths";
import { fmt3, fmtInt, type FigureResult } from "../report";
import { createTenant, EDGELOG_VARS, startWrangler } from "../wrangler";

export interface AuditOptions {
  events: number;
  eventsPerRequest: number;
  clients: number;
}

export const AUDIT_FULL: AuditOptions = { events: 20_000, eventsPerRequest: 100, clients: 4 };
export const AUDIT_QUICK: AuditOptions = { events: 100, eventsPerRequest: 50, clients: 1 };

const CLI = repoPath("bin/edgelog.mjs");
const AUDIT_FLAGS = ["--vkey", "--state", "--log"];

/** Whether this checkout's CLI has the `audit` command with the flags this figure uses. */
function auditAvailable(): { ok: boolean; why: string } {
  const help = spawnSync(process.execPath, [CLI, "audit", "--help"], { encoding: "utf8", timeout: 30_000 });
  const text = `${help.stdout ?? ""}${help.stderr ?? ""}`;
  if (help.status !== 0) return { ok: false, why: `\`edgelog audit --help\` exited with ${help.status}` };
  const missing = AUDIT_FLAGS.filter((f) => !text.includes(f));
  if (!text.includes("audit") || missing.length > 0) {
    return { ok: false, why: `\`edgelog audit --help\` does not describe the audit command (missing ${missing.join(", ") || "'audit'"})` };
  }
  return { ok: true, why: "" };
}

function todo(why: string): FigureResult {
  return {
    id: "audit",
    title: "Offline audit (`edgelog audit`)",
    rows: [{ measure: "events/s verified by `edgelog audit`", value: "TODO", peer: "—", ratio: "—", target: "—", verdict: "TODO" }],
    method: [`Not measured: ${why}. Re-run \`node bench/run.mjs audit\` once the CLI's audit command is in place.`],
    details: [],
    raw: { available: false, why },
  };
}

interface LogAudit {
  log: string;
  events: number;
  batches: number;
  wallSeconds: number;
  /** The CLI's own measure (excludes process start-up). */
  reportedSeconds: number | null;
}

export async function auditFigure(options: AuditOptions): Promise<FigureResult> {
  const available = auditAvailable();
  if (!available.ok) return todo(available.why);
  const dev = await startWrangler({ vars: { ...EDGELOG_VARS } });
  const dir = mkdtempSync(join(tmpdir(), "edgelog-audit-"));
  try {
    const key = await createTenant(dev.url, "bench-audit");
    const generator = createEventGenerator({ seed: 4, idPrefix: "audit" });
    const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
    let next = 0;
    const requests = Math.ceil(options.events / options.eventsPerRequest);
    const fillStart = performance.now();
    const client = async () => {
      while (next < requests) {
        const n = next++;
        const count = Math.min(options.eventsPerRequest, options.events - n * options.eventsPerRequest);
        const body = JSON.stringify(Array.from({ length: count }, () => generator.next()));
        const res = await fetch(`${dev.url}/v1/events?wait=sealed`, { method: "POST", headers, body });
        const answer = (await res.json()) as { accepted: number };
        if (!res.ok || answer.accepted !== count) throw new Error(`audit fill: ${res.status} ${JSON.stringify(answer).slice(0, 300)}`);
      }
    };
    await Promise.all(Array.from({ length: options.clients }, client));
    const fillSeconds = (performance.now() - fillStart) / 1000;
    const logsRes = await fetch(`${dev.url}/v1/logs`, { headers });
    const listed = (await logsRes.json()) as Array<{ log: string | number; size: number }> | { logs: Array<{ log: string | number; size: number }> };
    const logs = (Array.isArray(listed) ? listed : listed.logs).filter((l) => l.size > 0);
    if (logs.length === 0) throw new Error(`no sealed log to audit: ${JSON.stringify(listed).slice(0, 300)}`);
    const audits: LogAudit[] = [];
    for (const { log } of logs) {
      const vkey = (await (await fetch(`${dev.url}/v1/logs/${log}/key`, { headers })).text()).trim();
      const state = join(dir, `state-${log}.json`);
      const start = performance.now();
      const run = spawnSync(
        process.execPath,
        [CLI, "audit", dev.url, "--vkey", vkey, "--state", state, "--log", String(log), "--key", key, "--json"],
        { encoding: "utf8", timeout: 300_000 },
      );
      const wallSeconds = (performance.now() - start) / 1000;
      if (run.status !== 0) throw new Error(`edgelog audit of log ${log} exited with ${run.status}: ${(run.stderr || run.stdout).slice(-800)}`);
      const result = JSON.parse(run.stdout) as { events: number; size: number; seconds?: number };
      audits.push({ log: String(log), events: result.events, batches: result.size, wallSeconds, reportedSeconds: result.seconds ?? null });
    }
    const events = audits.reduce((s, a) => s + a.events, 0);
    const wall = audits.reduce((s, a) => s + a.wallSeconds, 0);
    const reported = audits.every((a) => a.reportedSeconds !== null) ? audits.reduce((s, a) => s + a.reportedSeconds!, 0) : null;
    const ingestRate = options.events / fillSeconds;
    return {
      id: "audit",
      title: "Offline audit (`edgelog audit`)",
      rows: [
        {
          measure: "events/s verified by `edgelog audit` (wall time of the command, start-up included)",
          value: fmtInt(events / wall),
          peer: `${fmtInt(ingestRate)} (ingest rate while filling, \`?wait=sealed\`)`,
          ratio: `${fmt3(events / wall / ingestRate)}×`,
          target: "—",
          verdict: "no target",
        },
        ...(reported !== null
          ? [{ measure: "events/s as the command reports it (its own clock)", value: fmtInt(events / reported), peer: "—", ratio: "—", target: "—", verdict: "no target" as const }]
          : []),
      ],
      method: [
        `A fresh \`wrangler dev\` of edgelog; one tenant; ${fmtInt(options.events)} generated events (${options.eventsPerRequest} per request, ${options.clients} client${options.clients > 1 ? "s" : ""}, every request \`?wait=sealed\`).`,
        `Then, for each of the tenant's logs (${audits.length}), \`node bin/edgelog.mjs audit <url> --vkey <vkey> --state <new file> --log <n> --key <key> --json\`, the verifier key fetched from \`GET /v1/logs/{log}/key\`: it downloads every batch over loopback HTTP and checks signatures, envelopes, bodies, batch roots and the log root in Node.`,
        `Audited: ${fmtInt(events)} events in ${fmtInt(audits.reduce((s, a) => s + a.batches, 0))} batches, ${fmt3(wall)} s wall time.`,
      ],
      details: [],
      raw: { options, audits, fillSeconds },
    };
  } finally {
    await dev.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

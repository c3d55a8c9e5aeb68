/**
 * Starts `wrangler dev` for a benchmark, with the flags test/node/support/wrangler-dev.ts uses
 * for the smoke test (loopback only, fresh persist dir, metrics off, secrets as --var), plus a
 * config path so the baseline and bench Workers start the same way as edgelog's.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEV_ADMIN_TOKEN, DEV_SIGNING_KEY, freePort, killGroup } from "../../test/node/support/wrangler-dev";
import { REPO_ROOT, repoPath } from "./paths";

export { DEV_ADMIN_TOKEN };

export interface Wrangler {
  url: string;
  /** DevTools inspector of the Worker (see worker-profile.ts). */
  inspectorPort: number;
  persistDir: string;
  output: () => string;
  /** Stops workerd and wrangler (the whole process group); removes the persist dir unless kept. */
  stop: (options?: { keepState?: boolean }) => Promise<void>;
}

export interface WranglerOptions {
  /** wrangler.toml relative to the repository root; edgelog's own when absent. */
  config?: string;
  vars?: Record<string, string>;
  persistDir?: string;
  timeoutMs?: number;
}

/** edgelog's secrets for local runs: the smoke test's fixed values. */
export const EDGELOG_VARS: Readonly<Record<string, string>> = {
  EDGELOG_ADMIN_TOKEN: DEV_ADMIN_TOKEN,
  EDGELOG_SIGNING_KEY: DEV_SIGNING_KEY,
};

/**
 * The bench Worker (bench/worker), with the signing key its LogShard needs to sign checkpoints
 * (the sequencer and cost figures).
 */
export function startBenchWorker(): Promise<Wrangler> {
  return startWrangler({
    config: "bench/worker/wrangler.toml",
    vars: { EDGELOG_SIGNING_KEY: DEV_SIGNING_KEY },
  });
}

/** Every wrangler still running, so a figure stopped by its time limit leaves none behind. */
const running = new Set<import("node:child_process").ChildProcess>();
let cleanupInstalled = false;

function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      for (const child of running) killGroup(child, "SIGKILL");
      process.exit(130);
    });
  }
}

export async function startWrangler(options: WranglerOptions = {}): Promise<Wrangler> {
  const port = await freePort();
  const inspectorPort = await freePort();
  const persistDir = options.persistDir ?? mkdtempSync(join(tmpdir(), "edgelog-bench-"));
  const args = [
    repoPath("node_modules/wrangler/bin/wrangler.js"),
    "dev",
    ...(options.config ? ["-c", options.config] : []),
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--persist-to",
    persistDir,
    "--inspector-port",
    String(inspectorPort),
    "--show-interactive-dev-session=false",
    "--log-level",
    "warn",
    ...Object.entries(options.vars ?? {}).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
  ];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    // X_LOCAL_OBSERVABILITY off: wrangler dev otherwise records a trace of every request in a
    // store inside the same workerd process, whose memory then grows with the request count
    // (about half of workerd's growth in the steady figure) — the tool's cost, not edgelog's.
    env: {
      ...process.env,
      CI: "1",
      WRANGLER_SEND_METRICS: "false",
      NO_COLOR: "1",
      X_LOCAL_OBSERVABILITY: "false",
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  running.add(child);
  installCleanup();
  child.once("exit", () => running.delete(child));
  let log = "";
  child.stdout?.on("data", (d: Uint8Array) => (log += d.toString()));
  child.stderr?.on("data", (d: Uint8Array) => (log += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  const stop = async (stopOptions: { keepState?: boolean } = {}) => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      killGroup(child, "SIGTERM");
      const timer = setTimeout(() => killGroup(child, "SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
    // workerd is wrangler's child in the same group: make sure it is gone too.
    killGroup(child, "SIGKILL");
    if (!stopOptions.keepState && !options.persistDir) rmSync(persistDir, { recursive: true, force: true });
  };
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}:\n${log}`);
    try {
      // wrangler accepts connections before workerd is up and may hold them: bound each try.
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(3_000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev did not answer within the timeout:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, inspectorPort, persistDir, output: () => log, stop };
}

/**
 * A short description of a failed answer: wrangler dev answers an uncaught Worker error with a
 * large HTML page, whose first "…Error: message" is what matters.
 */
export async function failureText(res: Response): Promise<string> {
  const text = await res.text();
  const error = /\b\w*Error: [^'\\<\n]{1,300}/.exec(text);
  return `${res.status} ${error ? error[0] : text.slice(0, 300)}`;
}

/** Creates a tenant with an all-scopes key on a running edgelog (admin API, README "HTTP API"). */
export async function createTenant(url: string, name: string, shards = 1): Promise<string> {
  const headers = { authorization: `Bearer ${DEV_ADMIN_TOKEN}`, "content-type": "application/json" };
  const t = await fetch(`${url}/v1/admin/tenants`, {
    method: "POST",
    headers,
    body: JSON.stringify({ name, shards }),
  });
  if (t.status !== 201) throw new Error(`creating tenant ${name}: ${t.status} ${await t.text()}`);
  const { id } = (await t.json()) as { id: string };
  const k = await fetch(`${url}/v1/admin/tenants/${id}/keys`, {
    method: "POST",
    headers,
    body: JSON.stringify({ scopes: ["ingest", "read", "admin"] }),
  });
  if (k.status !== 201) throw new Error(`creating key for ${name}: ${k.status} ${await k.text()}`);
  return ((await k.json()) as { key: string }).key;
}

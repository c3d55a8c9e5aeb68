/**
 * Starts the real `wrangler dev` (workerd, local Durable Object state) for Node-side tests: the
 * only place where production's ban on `new Function` during requests is enforced.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const REPO_ROOT = resolve(import.meta.dirname, "../../..");
export const DEV_ADMIN_TOKEN = "dev-test-admin-token-0123456789";
/** base64 of bytes 1..32 (the seed of the shared signed-note vector). */
export const DEV_SIGNING_KEY = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";

export interface DevServer {
  url: string;
  port: number;
  persistDir: string;
  process: ChildProcess;
  output: () => string;
  /**
   * Stops the server (its whole process group) and removes the scratch directory startDev made
   * (the state, unless the caller passed `persistDir`, and wrangler's and workerd's temporary
   * files); a `persistDir` the caller passed in is the caller's to keep or remove.
   */
  stop: (signal?: NodeJS.Signals) => Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => resolvePort(typeof addr === "object" && addr ? addr.port : 0));
    });
  });
}

export interface StartOptions {
  persistDir?: string;
  vars?: Record<string, string>;
  port?: number;
  timeoutMs?: number;
}

/** Starts `wrangler dev` on loopback and waits until /healthz answers. */
export async function startDev(opts: StartOptions = {}): Promise<DevServer> {
  const port = opts.port ?? (await freePort());
  // Everything this server writes outside `persistDir` lands here: wrangler and miniflare put
  // their temporary directories under TMPDIR and do not remove them when signalled.
  const scratch = mkdtempSync(join(tmpdir(), "edgelog-dev-"));
  const persistDir = opts.persistDir ?? join(scratch, "state");
  const childTmp = join(scratch, "tmp");
  mkdirSync(childTmp);
  const removeState = () => rmSync(scratch, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  const vars = {
    EDGELOG_ADMIN_TOKEN: DEV_ADMIN_TOKEN,
    EDGELOG_SIGNING_KEY: DEV_SIGNING_KEY,
    ...(opts.vars ?? {}),
  };
  const args = [
    join(REPO_ROOT, "node_modules/wrangler/bin/wrangler.js"),
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--persist-to",
    persistDir,
    "--inspector-port",
    String(await freePort()),
    "--show-interactive-dev-session=false",
    "--log-level",
    "warn",
    ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
  ];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", TMPDIR: childTmp },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  // However the server ends (stop(), a test's own SIGKILL of the group, a crash), its scratch
  // directory goes with it.
  child.once("exit", () => {
    try {
      removeState();
    } catch {
      // stop() removes it again and reports a failure
    }
  });
  let log = "";
  child.stdout?.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) {
      removeState();
      throw new Error(`wrangler dev exited with ${child.exitCode}:\n${log}`);
    }
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      killGroup(child, "SIGKILL");
      await new Promise<void>((r) =>
        child.exitCode !== null || child.signalCode !== null ? r() : child.once("exit", () => r()),
      );
      removeState();
      throw new Error(`wrangler dev did not answer within the timeout:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    port,
    persistDir,
    process: child,
    output: () => log,
    stop: async (signal: NodeJS.Signals = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((r) => child.once("exit", () => r()));
        killGroup(child, signal);
        const timer = setTimeout(() => killGroup(child, "SIGKILL"), 5_000);
        await exited;
        clearTimeout(timer);
      }
      // wrangler can exit a moment before workerd, its child, which still holds the SQLite
      // files: a caller that opens them next would find "database is locked".
      await groupGone(child);
      removeState();
    },
  };
}

/** Resolves once no process of `child`'s group is left (SIGKILL to the group after 5 s). */
export async function groupGone(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  const alive = () => {
    try {
      process.kill(-child.pid!, 0);
      return true;
    } catch {
      return false;
    }
  };
  const deadline = Date.now() + 5_000;
  while (alive()) {
    if (Date.now() > deadline) {
      killGroup(child, "SIGKILL");
      if (Date.now() > deadline + 2_000) return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Signals the whole process group: wrangler runs workerd as a child process. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Creates a tenant and a key with all scopes on a running server. */
export async function devTenant(url: string, name: string): Promise<{ tenant: string; key: string }> {
  const t = await fetch(`${url}/v1/admin/tenants`, {
    method: "POST",
    headers: { authorization: `Bearer ${DEV_ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  if (t.status !== 201) throw new Error(`creating tenant: ${t.status} ${await t.text()}`);
  const { id } = (await t.json()) as { id: string };
  const k = await fetch(`${url}/v1/admin/tenants/${id}/keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${DEV_ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ scopes: ["ingest", "read", "admin"] }),
  });
  if (k.status !== 201) throw new Error(`creating key: ${k.status} ${await k.text()}`);
  return { tenant: id, key: ((await k.json()) as { key: string }).key };
}

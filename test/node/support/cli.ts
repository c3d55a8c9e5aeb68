/**
 * Helpers for the CLI tests: run the built `edgelog` as a child process, and make valid DES
 * 0.3.0 events in bulk.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "./wrangler-dev";

export const CLI = join(REPO_ROOT, "bin", "edgelog.mjs");

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string>;
  input?: string;
  timeoutMs?: number;
  /** Called with the child once started (e.g. to send it a signal). */
  onStart?: (child: import("node:child_process").ChildProcess, output: () => string) => void;
}

/** Runs `node bin/edgelog.mjs ...args` with a clean EDGELOG_* environment plus `env`. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith("EDGELOG_")) env[k] = v;
  Object.assign(env, options.env);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: REPO_ROOT,
      env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(`edgelog ${args.join(" ")} did not finish in time\nstdout: ${stdout}\nstderr: ${stderr}`),
      );
    }, options.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    options.onStart?.(child, () => stdout);
    child.stdin.end(options.input ?? "");
  });
}

export interface EventOptions {
  /** Prefix of decision ids, so separate runs never collide. */
  prefix?: string;
  /** Extra characters in the event, to make it bigger. */
  pad?: number;
}

/** A valid DES 0.3.0 event, unique per (prefix, i); tiers cycle lightweight/sampled/full. */
export function desEvent(i: number, options: EventOptions = {}): Record<string, unknown> {
  const tiers = ["lightweight", "sampled", "full"] as const;
  const tier = tiers[i % 3]!;
  const event: Record<string, unknown> = {
    schema_version: "0.3.0",
    decision_context: {
      decision_id: `${options.prefix ?? "d"}-${i}`,
      decision_type: "credit_approval",
      trigger: "application submitted",
      inputs: [
        { input_id: `app-${i}`, input_type: "application", input_source: "portal", input_version: "2" },
      ],
    },
    decision_logic: {
      logic_type: "rule_based",
      output: i % 7 === 0 ? "decline" : "approve",
      rules_fired: ["r12", "r40"],
    },
    human_override_record: { override_occurred: false },
    temporal_metadata: {
      event_timestamp: new Date(Date.UTC(2026, 2, 1, 9, 30, 0, i)).toISOString(),
      sequence_number: 0,
      hash_chain: {
        previous_hash: null,
        current_hash: i.toString(16).padStart(8, "0"),
        algorithm: "SHA-256",
      },
      evidence_tier: tier,
    },
  };
  if (tier !== "lightweight")
    event.decision_quality_indicators = {
      decision_risk_level: i % 2 === 0 ? "low" : "high",
      confidence_score: 0.9,
    };
  if (options.pad) event.notes = "x".repeat(options.pad);
  return event;
}

export function desEvents(count: number, options: EventOptions = {}, start = 0): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, k) => desEvent(start + k, options));
}

export const toNdjson = (events: readonly unknown[]) =>
  events.map((e) => JSON.stringify(e)).join("\n") + "\n";

/** The bundled CLI's entry, loaded in this process (the same file bin/edgelog.mjs runs). */
export type MainFn = (argv: string[], io?: import("../../../src/cli/io").CliIo) => Promise<number>;

export async function loadBundledMain(): Promise<MainFn> {
  const { pathToFileURL } = await import("node:url");
  const mod = (await import(pathToFileURL(join(REPO_ROOT, "dist", "cli.mjs")).href)) as { main: MainFn };
  return mod.main;
}

export interface MemoryIo {
  io: import("../../../src/cli/io").CliIo;
  stdout: () => string;
  stderr: () => string;
  /** Delivers SIGINT to the running command. */
  interrupt: () => void;
}

/** An in-memory CliIo: captured output, given stdin and environment, real fetch and timers. */
export function memoryIo(
  options: { env?: Record<string, string>; stdin?: string; tty?: boolean } = {},
): MemoryIo {
  let out = "";
  let err = "";
  const handlers = new Set<() => void>();
  const tty = options.tty === true;
  return {
    io: {
      stdout: { write: (t) => void (out += t), isTTY: tty, columns: 120 },
      stderr: { write: (t) => void (err += t), isTTY: tty, columns: 120 },
      readStdin: async () => options.stdin ?? "",
      env: options.env ?? {},
      fetch: globalThis.fetch.bind(globalThis),
      onInterrupt(handler) {
        handlers.add(handler);
        return () => void handlers.delete(handler);
      },
      sleep: (ms, signal) =>
        new Promise<void>((resolve) => {
          if (signal?.aborted) return resolve();
          const timer = setTimeout(resolve, ms);
          signal?.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
        }),
      now: () => performance.now(),
    },
    stdout: () => out,
    stderr: () => err,
    interrupt: () => handlers.forEach((h) => h()),
  };
}

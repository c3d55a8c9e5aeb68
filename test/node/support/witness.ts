/**
 * A real `edgelog witness` process (the CLI bundle) on a free loopback port, for tests that run
 * a log and a witness against each other.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { CLI } from "./cli";

export interface Witness {
  process: ChildProcess;
  vkey: string;
  url: string;
  stderr: () => string;
}

/** Starts a witness named `name` (default witness.test/w1) that knows the log `logVkey`; state and key in `dir`. */
export async function startWitness(dir: string, logVkey: string, name = "witness.test/w1"): Promise<Witness> {
  const child = spawn(
    process.execPath,
    [
      CLI,
      "witness",
      "--name",
      name,
      "--signing-key",
      join(dir, "witness.key"),
      "--state",
      join(dir, "witness.json"),
      "--log",
      logVkey,
      "--port",
      "0",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`witness did not start: ${out} ${err}`)), 30_000);
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("\n")) {
        clearTimeout(timer);
        resolve(out.split("\n")[0]!);
      }
    });
    child.once("exit", (code) => reject(new Error(`witness exited with ${code}: ${err}`)));
  });
  const m = /^witness (\S+) listening on (\S+)$/.exec(line);
  if (!m) throw new Error(`unexpected witness banner: ${line}`);
  return { process: child, vkey: m[1]!, url: m[2]!, stderr: () => err };
}

/** Polls `probe` every 200 ms until it answers non-null. */
export async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

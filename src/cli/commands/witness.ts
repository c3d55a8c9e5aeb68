/** `edgelog witness`: a C2SP tlog-witness server with its own Ed25519 cosigning key. */
import { readFile, writeFile } from "node:fs/promises";
import { defineCommand } from "../command";
import { EXIT_OK, InputError, UsageError } from "../errors";
import { loadVkey } from "../input";
import {
  cosignerFromSeed,
  formatCosignerVkey,
  formatSigningKey,
  generateSeed,
  parseSigningKey,
  type NoteVerifier,
} from "../../core/note";
import { loadWitnessState } from "../witness/state";
import { witnessServer } from "../witness/server";

export const witness = defineCommand({
  name: "witness",
  summary: "run a tlog-witness server that cosigns logs' checkpoints",
  usage:
    "edgelog witness --name <name> --signing-key <file> --state <file> --log <vkey|file> [--log …] [--port 8788] [--host 127.0.0.1]",
  help: `Serves C2SP tlog-witness over HTTP:
  POST /add-checkpoint          verifies the log's signature (configured --log
                                keys only), consistency from the last checkpoint
                                it cosigned for that log, and answers a
                                tlog-cosignature/v1 (Ed25519, timestamped) line;
                                404 unknown origin, 403 bad or missing log
                                signature, 400 malformed or old size > size,
                                409 (text/x.tlog.size) old size is not the size
                                last cosigned, 422 bad proof or a fork
  GET /<sha256(origin) hex>/checkpoint   the latest cosigned checkpoint
Prints "witness <vkey> listening on <url>" once ready; give that vkey (type
0x04) to the logs and verifiers that trust this witness.

  --name <name>           the witness's key name (e.g. witness.example/w1)
  --signing-key <file>    base64 Ed25519 seed; created (mode 0600) if missing
  --state <file>          latest cosigned checkpoint per log (JSON), created if missing
  --log <vkey|file>       a log's verifier key; repeat for each log; the key's
                          name is the log's origin
  --port <n>              default 8788 (0 picks a free port)
  --host <addr>           default 127.0.0.1`,
  flags: {
    name: { type: "string" },
    "signing-key": { type: "string" },
    state: { type: "string" },
    log: { type: "strings" },
    port: { type: "integer", min: 0 },
    host: { type: "string" },
  },
  async run(ctx, { flags, positionals }) {
    if (positionals.length > 0) throw new UsageError(`witness: unexpected argument '${positionals[0]}'`);
    if (flags.name === undefined)
      throw new UsageError("witness: missing --name <name> (the witness's key name)");
    const keyPath = flags["signing-key"];
    if (keyPath === undefined) throw new UsageError("witness: missing --signing-key <file>");
    if (flags.state === undefined) throw new UsageError("witness: missing --state <file>");
    if (!flags.log?.length) throw new UsageError("witness: give at least one --log <vkey|file> to witness");

    const logs = new Map<string, NoteVerifier[]>();
    for (const value of flags.log) {
      const { verifier } = await loadVkey(value, "--log");
      logs.set(verifier.name, [...(logs.get(verifier.name) ?? []), verifier]);
    }
    const seed = await loadOrCreateSeed(keyPath);
    let cosigner;
    try {
      cosigner = await cosignerFromSeed(flags.name, seed);
    } catch (err) {
      throw new UsageError(`witness: bad --name: ${(err as Error).message}`);
    }
    const state = await loadWitnessState(flags.state);
    const server = witnessServer({
      cosigner,
      logs,
      state,
      statePath: flags.state,
      log: (line) => ctx.out.note(`witness: ${line}`),
      now: () => Math.floor(Date.now() / 1000),
    });
    const host = flags.host ?? "127.0.0.1";
    await new Promise<void>((resolve, reject) => {
      server.once("error", (err) =>
        reject(new InputError(`witness: cannot listen on ${host}:${flags.port ?? 8788}: ${err.message}`)),
      );
      server.listen(flags.port ?? 8788, host, () => resolve());
    });
    const port = (server.address() as { port: number }).port;
    const vkey = formatCosignerVkey(cosigner.name, cosigner.publicKey);
    const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
    ctx.out.line(`witness ${vkey} listening on ${url}`);
    ctx.out.result({ vkey, url, logs: [...logs.keys()] });
    await new Promise<void>((resolve) => {
      const stop = () => server.close(() => resolve());
      const off = ctx.io.onInterrupt(stop);
      process.once("SIGTERM", stop);
      server.once("close", () => {
        off();
        process.off("SIGTERM", stop);
      });
    });
    return EXIT_OK;
  },
});

async function loadOrCreateSeed(path: string): Promise<Uint8Array> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new InputError(
        `cannot read --signing-key ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
    const seed = generateSeed();
    await writeFile(path, `${formatSigningKey(seed)}\n`, { mode: 0o600, flag: "wx" });
    return seed;
  }
  try {
    return parseSigningKey(text);
  } catch (err) {
    throw new InputError(`--signing-key ${path}: ${(err as Error).message}`);
  }
}

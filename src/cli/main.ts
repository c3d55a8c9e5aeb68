/**
 * Entry of the `edgelog` command (bundled to dist/cli.mjs by scripts/build-cli.mjs; run by
 * bin/edgelog.mjs): finds the command, parses its flags, runs it, and maps every failure to an
 * exit code and a message.
 */
import { parseArgs, type FlagSpecs } from "./args";
import { createContext, DEFAULT_URL, GLOBAL_FLAGS, type AnyCommand } from "./command";
import { keyCreate, tenantCreate } from "./commands/admin";
import { audit } from "./commands/audit";
import { get } from "./commands/get";
import { keygen } from "./commands/keygen";
import { send } from "./commands/send";
import { tail } from "./commands/tail";
import { verify } from "./commands/verify";
import { witness } from "./commands/witness";
import { CliError, EXIT_OK, EXIT_USAGE, UsageError, type ExitCode } from "./errors";
import { processIo, type CliIo } from "./io";
import { Output } from "./output";
import { toCheckFailure } from "./verification";
import { DEFAULT_RETRY } from "../core/retry";
import { VerificationError } from "../core/errors";

const COMMANDS: readonly AnyCommand[] = [
  verify,
  audit,
  get,
  send,
  tail,
  keygen,
  tenantCreate,
  keyCreate,
  witness,
];
const GROUPS = new Set(COMMANDS.filter((c) => c.name.includes(" ")).map((c) => c.name.split(" ")[0]!));
const GLOBAL_VALUE_FLAGS = new Set(
  Object.entries(GLOBAL_FLAGS as FlagSpecs)
    .filter(([, s]) => s.type !== "boolean")
    .map(([name]) => `--${name}`),
);

export const USAGE = `edgelog: client, verifier and auditor of an edgelog decision-event log

usage: edgelog <command> [arguments] [options]

commands:
${COMMANDS.map((c) => `  ${synopsis(c).padEnd(31)} ${c.summary}`).join("\n")}

global options:
  --url <url>        server (default: EDGELOG_URL, else ${DEFAULT_URL})
  --key <api key>    API key sent as a bearer token (default: EDGELOG_KEY)
  --json             machine-readable output: one JSON document on stdout
                     (tail: one JSON line per record)
  --retries <n>      retries of a failed request (default ${DEFAULT_RETRY.maxAttempts - 1})
  -h, --help         this help; \`edgelog <command> --help\` for a command

keys: --key is always the API key, --vkey always the log's verifier key (a vkey
name+keyid+base64, or a file holding one). Only \`verify\`, which never talks to
a server, also accepts --key as the verifier key.

exit codes:
  0  success
  1  a verification failed, or the server rejected some events
  2  usage error, unreadable input, network or server error
`;

/** "verify <proof.json|->": the command words and its arguments, without options. */
function synopsis(c: AnyCommand): string {
  const words = c.usage.replace(/^edgelog /, "").split(" ");
  const end = words.findIndex((w) => w.startsWith("-") || w.startsWith("["));
  return words.slice(0, end < 0 ? undefined : end).join(" ");
}

/** Splits argv into the command words ("tenant create") and the rest (flags and arguments). */
function splitCommand(argv: readonly string[]): { words: string[]; rest: string[] } {
  const words: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const wanted = words.length === 0 ? 1 : GROUPS.has(words[0]!) ? 2 : 1;
    if (words.length >= wanted || arg === "--") {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg.startsWith("-") && arg !== "-") {
      rest.push(arg);
      if (GLOBAL_VALUE_FLAGS.has(arg) && i + 1 < argv.length) rest.push(argv[++i]!);
      continue;
    }
    words.push(arg);
  }
  return { words, rest };
}

function commandHelp(c: AnyCommand): string {
  return `usage: ${c.usage}\n\n${c.summary}.\n\n${c.help}\n\nglobal options: --url, --key, --json, --retries, --help (see edgelog --help)\n`;
}

/** Runs the CLI with `argv` (without node and script paths) and resolves to the exit code. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<ExitCode> {
  const out = new Output(io, argv.includes("--json"));
  try {
    const { words, rest } = splitCommand(argv);
    if (words.length === 0 || words[0] === "help") {
      const target = words.length > 1 ? COMMANDS.find((c) => c.name === words.slice(1).join(" ")) : undefined;
      if (words.length === 0 && !rest.some((a) => a === "--help" || a === "-h") && rest.length > 0) {
        throw new UsageError("missing command");
      }
      io.stdout.write(target ? commandHelp(target) : USAGE);
      return EXIT_OK;
    }
    const name = words.join(" ");
    const command = COMMANDS.find((c) => c.name === name);
    if (!command) {
      if (GROUPS.has(words[0]!)) {
        const subs = COMMANDS.filter((c) => c.name.startsWith(`${words[0]} `)).map((c) => c.name);
        throw new UsageError(`'${name}' is not a command; try: ${subs.join(", ")}`);
      }
      throw new UsageError(`unknown command '${name}' (run edgelog --help for the list)`);
    }
    const specs: FlagSpecs = { ...GLOBAL_FLAGS, ...command.flags };
    const parsed = parseArgs(rest, specs);
    if (parsed.flags.help === true) {
      io.stdout.write(commandHelp(command));
      return EXIT_OK;
    }
    const ctx = createContext(io, new Output(io, parsed.flags.json === true), parsed.flags);
    return await command.run(ctx, parsed);
  } catch (err) {
    // A core verification error that no command named a step for still means "not verified".
    const failure = err instanceof VerificationError ? toCheckFailure("verification", err) : err;
    if (failure instanceof CliError) {
      out.failure(failure);
      if (failure instanceof UsageError) io.stderr.write("run edgelog --help for usage\n");
      return failure.exitCode;
    }
    io.stderr.write(
      `edgelog: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    return EXIT_USAGE;
  }
}

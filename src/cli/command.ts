/** What every command is: its flags, its help, and a run function returning the exit code. */
import type { FlagSpecs, FlagValues, ParsedArgs } from "./args";
import { UsageError, type ExitCode } from "./errors";
import { ApiClient } from "./http";
import type { CliIo } from "./io";
import { formatDuration } from "./progress";
import type { Output } from "./output";

/** Flags every command accepts. */
export const GLOBAL_FLAGS = {
  url: { type: "string" },
  key: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", aliases: ["h"] },
  retries: { type: "integer", min: 0 },
} as const satisfies FlagSpecs;

export const DEFAULT_URL = "http://127.0.0.1:8787";

export interface Context {
  io: CliIo;
  out: Output;
  /** Server URL: --url, else EDGELOG_URL, else the local default. */
  url: string;
  /** API key: --key, else EDGELOG_KEY. */
  apiKey: string | undefined;
  /** An API client for `url`; `token` null means no auth, undefined means the API key (required). */
  client(options?: { token?: string | null; signal?: AbortSignal; url?: string }): ApiClient;
}

export interface Command<S extends FlagSpecs> {
  /** "verify", or "tenant create" for a command with a subcommand. */
  name: string;
  summary: string;
  /** Help text after the usage line: arguments, flags, examples. */
  help: string;
  usage: string;
  flags: S;
  run(ctx: Context, args: ParsedArgs<S & typeof GLOBAL_FLAGS>): Promise<ExitCode>;
}

/** A command with its flag types erased, so commands with different flags share one table. */
export interface AnyCommand {
  name: string;
  summary: string;
  help: string;
  usage: string;
  flags: FlagSpecs;
  run(ctx: Context, args: ParsedArgs<FlagSpecs>): Promise<ExitCode>;
}

export function defineCommand<S extends FlagSpecs>(command: Command<S>): AnyCommand {
  return {
    ...command,
    run: (ctx, args) => command.run(ctx, args as ParsedArgs<S & typeof GLOBAL_FLAGS>),
  };
}

export function createContext(io: CliIo, out: Output, flags: FlagValues<typeof GLOBAL_FLAGS>): Context {
  const url = flags.url ?? io.env.EDGELOG_URL ?? DEFAULT_URL;
  const apiKey = flags.key ?? (io.env.EDGELOG_KEY || undefined);
  return {
    io,
    out,
    url,
    apiKey,
    client(options = {}) {
      let token: string | undefined;
      if (options.token === undefined) {
        if (!apiKey)
          throw new UsageError("this command needs an API key: pass --key <key> or set EDGELOG_KEY");
        token = apiKey;
      } else token = options.token ?? undefined;
      return new ApiClient({
        baseUrl: options.url ?? url,
        token,
        io,
        signal: options.signal,
        retry: flags.retries === undefined ? undefined : { maxAttempts: flags.retries + 1 },
        onRetry: (r) => out.note(`edgelog: ${r.reason}; retry ${r.attempt} in ${formatDuration(r.delayMs)}`),
      });
    },
  };
}

/** The single positional a command needs, or a usage error naming it. */
export function onePositional(positionals: readonly string[], name: string, command: string): string {
  if (positionals.length === 0)
    throw new UsageError(`${command}: missing ${name} (see edgelog ${command} --help)`);
  if (positionals.length > 1) throw new UsageError(`${command}: unexpected argument '${positionals[1]}'`);
  return positionals[0]!;
}

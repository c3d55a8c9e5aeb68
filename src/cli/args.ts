/**
 * A small, strict command-line parser. Flags are declared once with their type; anything not
 * declared is a usage error (a typo must not be silently ignored). Accepted forms: `--name
 * value`, `--name=value`, boolean `--name`, single-letter aliases (`-h`), `--` to end flags, and
 * a lone `-` as a positional (standard input).
 */
import { UsageError } from "./errors";

/** "strings" is a repeatable string flag: every occurrence is kept, in order. */
export type FlagType = "string" | "strings" | "boolean" | "integer";

export interface FlagSpec {
  readonly type: FlagType;
  /** Other spellings, without dashes: "h" for -h, "key" for --key. */
  readonly aliases?: readonly string[];
  /** Smallest accepted value of an integer flag. */
  readonly min?: number;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

type ValueOf<T extends FlagType> = T extends "boolean"
  ? boolean
  : T extends "integer"
    ? number
    : T extends "strings"
      ? string[]
      : string;

export type FlagValues<S extends FlagSpecs> = { -readonly [K in keyof S]?: ValueOf<S[K]["type"]> };

export interface ParsedArgs<S extends FlagSpecs> {
  flags: FlagValues<S>;
  positionals: string[];
}

function lookupTable(specs: FlagSpecs): Map<string, string> {
  const table = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) {
    table.set(name, name);
    for (const alias of spec.aliases ?? []) table.set(alias, name);
  }
  return table;
}

function convert(name: string, spec: FlagSpec, raw: string): string | number {
  if (spec.type !== "integer") return raw;
  if (!/^-?[0-9]+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw new UsageError(`--${name} needs an integer, found '${raw}'`);
  }
  const n = Number(raw);
  if (spec.min !== undefined && n < spec.min)
    throw new UsageError(`--${name} must be at least ${spec.min}, found ${n}`);
  return n;
}

/** Parses `argv` against `specs`. Throws `UsageError` for unknown flags and bad or missing values. */
export function parseArgs<S extends FlagSpecs>(argv: readonly string[], specs: S): ParsedArgs<S> {
  const table = lookupTable(specs);
  const flags: Record<string, string | number | boolean | string[]> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === "-" || !arg.startsWith("-")) {
      positionals.push(arg);
      continue;
    }
    const body = arg.startsWith("--") ? arg.slice(2) : arg.slice(1);
    const eq = body.indexOf("=");
    const spelled = eq < 0 ? body : body.slice(0, eq);
    const name = table.get(spelled);
    if (name === undefined) throw new UsageError(`unknown option '${arg}'${suggest(spelled, table)}`);
    const spec = specs[name]!;
    if (spec.type === "boolean") {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      flags[name] = true;
      continue;
    }
    let raw: string;
    if (eq >= 0) raw = body.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith("-") && next !== "-" && !/^-[0-9]/.test(next))) {
        throw new UsageError(`--${name} needs a value`);
      }
      raw = next;
      i++;
    }
    if (spec.type === "strings") flags[name] = [...((flags[name] as string[] | undefined) ?? []), raw];
    else flags[name] = convert(name, spec, raw);
  }
  return { flags: flags as FlagValues<S>, positionals };
}

/** " (did you mean --x?)" for a near miss: same name but for one edit, or a prefix. */
function suggest(spelled: string, table: Map<string, string>): string {
  const near = [...table.keys()].find(
    (k) => k.length > 1 && (k.startsWith(spelled) || editDistanceAtMostOne(k, spelled)),
  );
  return near ? ` (did you mean --${near}?)` : "";
}

function editDistanceAtMostOne(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (b.length > a.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}

// Every limit has one definition (src/core/protocol/limits.ts, and src/worker/config.ts for
// the deployment's settings); wrangler.toml and the README restate the values for operators.
// This test fails when a restated value drifts from the code.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  MAX_ADMIN_BODY_BYTES,
  MAX_ERASURE_REASON_CHARS,
  MAX_EXPORT_BATCHES,
  MAX_FILTER_CHARS,
  MAX_POLICY_BYTES,
  MAX_PRODUCER_CHARS,
  MAX_SHARDS,
  QUERY_DEFAULT_LIMIT,
  QUERY_MAX_LIMIT,
} from "../../src/core/protocol";
import { CONFIG_VARS, DEFAULTS } from "../../src/worker/config";

const root = new URL("../../", import.meta.url);
const readme = readFileSync(new URL("README.md", root), "utf8");
const wrangler = readFileSync(new URL("wrangler.toml", root), "utf8");

/** `NAME = "value"` lines of wrangler.toml's [vars] table. */
function wranglerVars(): Map<string, string> {
  const section = wrangler.split(/^\[vars\]$/m)[1]?.split(/^\[/m)[0] ?? "";
  return new Map([...section.matchAll(/^([A-Z_]+)\s*=\s*"([^"]*)"/gm)].map((m) => [m[1]!, m[2]!]));
}

/** The default column of the README's "Limits" table, first word, without backticks. */
function readmeDefaults(): Map<string, string> {
  const rows = [...readme.matchAll(/^\| `([A-Z_]+)` \| ([^|]+) \|/gm)];
  return new Map(rows.map((m) => [m[1]!, m[2]!.trim().split(/\s/)[0]!.replace(/`/g, "")]));
}

describe("limits are documented with the values the code enforces", () => {
  it("wrangler.toml [vars] and the README table give each setting its default", () => {
    const vars = wranglerVars();
    const documented = readmeDefaults();
    for (const [key, name] of Object.entries(CONFIG_VARS) as Array<[keyof typeof DEFAULTS, string]>) {
      expect(vars.get(name), `wrangler.toml ${name}`).toBe(String(DEFAULTS[key]));
      expect(documented.get(name), `README "Limits" row ${name}`).toBe(String(DEFAULTS[key]));
    }
    expect(
      [...vars.keys()].filter((n) => !Object.values(CONFIG_VARS).includes(n as never)),
      "vars the code never reads",
    ).toEqual([]);
  });

  it("the README states the fixed limits of the protocol", () => {
    const text = readme.replace(/\s+/g, " ");
    expect(text).toContain(`admin request bodies ≤ ${MAX_ADMIN_BODY_BYTES / 1024} KiB`);
    expect(text).toContain(`shards ≤ ${MAX_SHARDS}`);
    expect(text).toContain(`erasure reasons ≤ ${MAX_ERASURE_REASON_CHARS} characters`);
    expect(text).toContain(`\`X-Edgelog-Producer\` ≤ ${MAX_PRODUCER_CHARS} characters`);
    expect(text).toContain(`query \`limit\` 1–${QUERY_MAX_LIMIT} (default ${QUERY_DEFAULT_LIMIT})`);
    expect(text).toContain(`filter values ≤ ${MAX_FILTER_CHARS} characters`);
    expect(text).toContain(`spans ≤ ${MAX_EXPORT_BATCHES} batches (400 \`invalid_range\` above)`);
    expect(text).toContain(`(1–${MAX_SHARDS})`);
    // Tiered evidence, policy limits: "Limits: 100 rules, …, 64 KiB."
    expect(/Limits: \d+ rules[^.]*, (\d+) KiB\./.exec(text)?.[1], "the policy size in README").toBe(
      String(MAX_POLICY_BYTES / 1024),
    );
  });
});

// The published package as a user gets it: `npm pack`, installed into a scratch project with no
// network, then used from plain Node (the first `node` on PATH outside node_modules, no
// TypeScript loader): both entries imported, the Hono middleware logging a decision to a real
// `wrangler dev` through the client, the client and middleware bundled into a Worker by
// wrangler, and `npx edgelog` verifying that decision's proof.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { promisify } from "node:util";
import { devTenant, REPO_ROOT, startDev, type DevServer } from "./support/wrangler-dev";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command; never throws on a non-zero exit (the tests look at the code). */
async function run(
  file: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(file, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      timeout: options.timeoutMs ?? 60_000,
      maxBuffer: 16 << 20,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string; message: string };
    return {
      code: typeof e.code === "number" ? e.code : -1,
      stdout: e.stdout ?? "",
      stderr: e.stderr ?? e.message,
    };
  }
}

/** PATH without the entries npm puts first (node_modules/.bin, the pinned node@22). */
const SYSTEM_PATH = (process.env["PATH"] ?? "")
  .split(delimiter)
  .filter((dir) => dir && !dir.includes("node_modules"));
const SYSTEM_NODE = SYSTEM_PATH.map((dir) => join(dir, "node")).find((file) => existsSync(file));
const SYSTEM_ENV: NodeJS.ProcessEnv = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith("npm_") && !k.startsWith("EDGELOG_") && k !== "NODE_OPTIONS",
    ),
  ),
  PATH: SYSTEM_PATH.join(delimiter),
};
/** npm's own scripts, from the npm running this suite (or the one next to the system node). */
const NPM_BIN = process.env["npm_execpath"]
  ? dirname(process.env["npm_execpath"])
  : join(dirname(SYSTEM_NODE ?? "/usr/bin/node"), "..", "lib", "node_modules", "npm", "bin");

interface PackEntry {
  filename: string;
  files: Array<{ path: string }>;
}

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
};

describe("the edgelog package installed from its tarball", () => {
  const scratch = mkdtempSync(join(tmpdir(), "edgelog-packaging-"));
  const project = join(scratch, "project");
  let packed: PackEntry;
  let dev: DevServer;
  let key = "";
  let nodeVersion = "";

  const node = (args: readonly string[], timeoutMs?: number) =>
    run(SYSTEM_NODE!, args, { cwd: project, env: SYSTEM_ENV, timeoutMs });
  const npx = (args: readonly string[]) => node([join(NPM_BIN, "npx-cli.js"), "--offline", ...args]);

  beforeAll(async () => {
    if (!SYSTEM_NODE)
      throw new Error(`no \`node\` on PATH outside node_modules (PATH: ${process.env["PATH"]})`);
    const serverReady = startDev().then(async (server) => {
      dev = server;
      ({ key } = await devTenant(server.url, "packaging"));
    });
    // pretest built dist/; --ignore-scripts so packing does not rebuild files other tests read.
    const pack = await run(
      process.execPath,
      [join(NPM_BIN, "npm-cli.js"), "pack", "--ignore-scripts", "--json", "--pack-destination", scratch],
      { cwd: REPO_ROOT },
    );
    if (pack.code !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
    packed = (JSON.parse(pack.stdout) as PackEntry[])[0]!;
    // The peer dependency, packed from the repository's own install: no registry needed.
    const honoPack = await run(
      process.execPath,
      [
        join(NPM_BIN, "npm-cli.js"),
        "pack",
        join(REPO_ROOT, "node_modules", "hono"),
        "--ignore-scripts",
        "--json",
        "--pack-destination",
        scratch,
      ],
      { cwd: REPO_ROOT },
    );
    if (honoPack.code !== 0) throw new Error(`npm pack hono failed: ${honoPack.stderr}`);
    const honoTarball = (JSON.parse(honoPack.stdout) as PackEntry[])[0]!.filename;

    rmSync(project, { recursive: true, force: true });
    mkdirSync(project);
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({ name: "edgelog-packaging-scratch", private: true, type: "module" }),
    );
    const install = await node(
      [
        join(NPM_BIN, "npm-cli.js"),
        "install",
        "--offline",
        "--no-audit",
        "--no-fund",
        "--no-package-lock",
        join(scratch, packed.filename),
        join(scratch, honoTarball),
      ],
      90_000,
    );
    if (install.code !== 0) throw new Error(`npm install --offline failed:\n${install.stderr}`);
    nodeVersion = (await node(["--version"])).stdout.trim();
    await serverReady;
  }, 180_000);

  afterAll(async () => {
    await dev?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("ships only the entries, their types, the CLI and the docs, and depends on nothing at run time", () => {
    const paths = packed.files.map((f) => f.path).sort();
    for (const required of [
      "package.json",
      "README.md",
      "CHANGELOG.md",
      "bin/edgelog.mjs",
      "dist/cli.mjs",
      "dist/audit-worker.mjs",
      "dist/client.js",
      "dist/hono.js",
      "dist/types/client/index.d.ts",
      "dist/types/client/hono.d.ts",
    ]) {
      expect(paths).toContain(required);
    }
    const outside = paths.filter(
      (p) =>
        !/^(package\.json|README\.md|CHANGELOG\.md|bin\/edgelog\.mjs|dist\/(cli\.mjs|audit-worker\.mjs|client\.js|hono\.js|chunks\/[\w-]+\.js|types\/[\w/-]+\.d\.ts))$/.test(
          p,
        ),
    );
    expect(outside, "files outside what users need").toEqual([]);
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(Object.keys(manifest.peerDependencies ?? {})).toEqual(["hono"]);
    // Optional: installing the SDK or the verifier must not pull in Hono.
    expect(manifest.peerDependenciesMeta?.["hono"]?.optional).toBe(true);
    const installed = JSON.parse(
      readFileSync(join(project, "node_modules", manifest.name, "package.json"), "utf8"),
    ) as { version: string };
    expect(installed.version).toBe(manifest.version);
    const changelog = readFileSync(join(REPO_ROOT, "CHANGELOG.md"), "utf8");
    expect(changelog, "CHANGELOG.md has a section for the version in package.json").toMatch(
      new RegExp(`^## ${manifest.version.replace(/\./g, "\\.")}\\b`, "m"),
    );
  });

  it("imports both entries in plain Node without a TypeScript loader", async () => {
    expect(nodeVersion).toMatch(/^v\d+\./);
    expect(Number(nodeVersion.slice(1).split(".")[0])).toBeGreaterThanOrEqual(20);
    const script = [
      'const client = await import("edgelog/client");',
      'const hono = await import("edgelog/hono");',
      "const producer = client.createProducer({ producerId: 'pack' });",
      "const event = await producer.event({ decisionId: 'd-1', decisionType: 'credit_limit', logicType: 'rule_based', output: 'approve' });",
      "let wrongOptions = null;",
      "try { client.createClient({ url: 'not a url', key: 'k' }); } catch (e) { wrongOptions = [e.name, e instanceof client.EdgelogClientError]; }",
      "console.log(JSON.stringify({ client: Object.keys(client).sort(), hono: Object.keys(hono), hash: event.temporal_metadata.hash_chain.current_hash, wrongOptions }));",
    ].join("\n");
    const r = await node(["--input-type=module", "-e", script]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      client: string[];
      hono: string[];
      hash: string;
      wrongOptions: [string, boolean] | null;
    };
    expect(out.client).toEqual(
      expect.arrayContaining([
        "createClient",
        "createProducer",
        "createExperimentLogger",
        "desCurrentHash",
        "installShutdownFlush",
        "DeliveryError",
      ]),
    );
    expect(out.hono).toEqual(["decisionLog"]);
    expect(out.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(out.wrongOptions).toEqual(["InvalidOptionError", true]);
  });

  it("declares types a TypeScript project with `moduleResolution: nodenext` resolves", async () => {
    // Every relative import in the shipped declarations names a file that is there.
    const typesRoot = join(project, "node_modules", manifest.name, "dist", "types");
    const declarations = packed.files.map((f) => f.path).filter((p) => p.endsWith(".d.ts"));
    expect(declarations.length).toBeGreaterThan(2);
    const unresolved: string[] = [];
    for (const file of declarations) {
      const path = join(project, "node_modules", manifest.name, file);
      for (const [, spec] of readFileSync(path, "utf8").matchAll(
        /(?:from\s+|import\()["'](\.{1,2}\/[^"']*)["']/g,
      )) {
        const target = join(dirname(path), spec!.replace(/\.js$/, ".d.ts"));
        if (!spec!.endsWith(".js") || !existsSync(target)) unresolved.push(`${file}: ${spec}`);
      }
    }
    expect(unresolved).toEqual([]);
    expect(existsSync(typesRoot)).toBe(true);

    // And a consumer type-checks against them (an `any` where a type should be fails the check).
    writeFileSync(
      join(project, "use.ts"),
      [
        'import { createClient, createProducer, type DesEvent, type FlushReport } from "edgelog/client";',
        'import { decisionLog, type DecisionLogEnv } from "edgelog/hono";',
        'import { Hono } from "hono";',
        'const client = createClient({ url: "https://edgelog.example", key: "k" });',
        "const app = new Hono<DecisionLogEnv>();",
        "app.use(decisionLog({ client }));",
        'app.post("/", async (c) => c.json({ id: await c.var.decision.log({ decisionType: "t", logicType: "rule_based", output: "ok" }) }));',
        'const event: Promise<DesEvent> = createProducer().event({ decisionId: "a", decisionType: "t", logicType: "rule_based", output: "x" });',
        "type IsAny<T> = 0 extends 1 & T ? true : false;",
        "const typed: [IsAny<FlushReport>, IsAny<DesEvent>, IsAny<DecisionLogEnv>, IsAny<Awaited<ReturnType<typeof client.flush>>>] = [false, false, false, false];",
        "// @ts-expect-error the options need a key",
        'createClient({ url: "https://edgelog.example" });',
        "void event; void typed;",
      ].join("\n"),
    );
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2022",
          lib: ["es2022", "dom"],
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        files: ["use.ts"],
      }),
    );
    const tsc = await run(
      process.execPath,
      [join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "."],
      { cwd: project, timeoutMs: 90_000 },
    );
    expect(tsc.code, tsc.stdout + tsc.stderr).toBe(0);
  });

  it("bundles the client and the middleware into a Worker with wrangler", async () => {
    writeFileSync(
      join(project, "worker.js"),
      [
        'import { Hono } from "hono";',
        'import { createClient } from "edgelog/client";',
        'import { decisionLog } from "edgelog/hono";',
        "const app = new Hono();",
        "app.use(decisionLog({ clientOptions: (c) => ({ url: c.env.EDGELOG_URL, key: c.env.EDGELOG_KEY }) }));",
        'app.post("/loan", async (c) => c.json({ id: await c.var.decision.log({ decisionType: "credit_limit", logicType: "rule_based", output: "approve" }) }));',
        'app.get("/direct", (c) => c.json({ ok: typeof createClient === "function" }));',
        "export default app;",
      ].join("\n"),
    );
    writeFileSync(
      join(project, "wrangler.toml"),
      'name = "packaging-scratch"\nmain = "worker.js"\ncompatibility_date = "2026-11-01"\n',
    );
    const r = await run(
      process.execPath,
      [
        join(REPO_ROOT, "node_modules", "wrangler", "bin", "wrangler.js"),
        "deploy",
        "--dry-run",
        "--outdir",
        "out",
      ],
      {
        cwd: project,
        env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", TMPDIR: scratch },
        timeoutMs: 90_000,
      },
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const bundle = readFileSync(join(project, "out", "worker.js"), "utf8");
    expect(bundle).toContain("function decisionLog(");
    expect(bundle).toContain("function createClient(");
    // Nothing left to resolve at run time: no Node built-ins, no bare imports.
    expect(bundle.match(/^\s*import\s[^;]*from\s*["'][^"']+["']/gm) ?? []).toEqual([]);
  });

  it("logs a decision through the installed middleware and verifies its proof with `npx edgelog verify`", async () => {
    const help = await npx(["edgelog", "--help"]);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^usage: edgelog <command>/m);
    expect(help.stdout).toMatch(/\bverify\b/);

    const app = [
      'import { Hono } from "hono";',
      'import { createClient } from "edgelog/client";',
      'import { decisionLog } from "edgelog/hono";',
      "const [url, key] = process.argv.slice(2);",
      "const ids = [];",
      "const client = createClient({ url, key, onResult: (outcomes) => ids.push(...outcomes.map((o) => o.result.id)) });",
      "const app = new Hono();",
      "app.use(decisionLog({ client }));",
      // Tier full, so the stored event keeps the request context the middleware added.
      'app.post("/loan", async (c) => c.json({ decision: await c.var.decision.log({ decisionType: "credit_limit", logicType: "rule_based", output: "approve", tier: "full", riskLevel: "low" }) }));',
      'const res = await app.request("/loan", { method: "POST", headers: { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" } });',
      "const body = await res.json();",
      "const report = await client.close();",
      "console.log(JSON.stringify({ status: res.status, decision: body.decision, ids, accepted: report.accepted, failed: report.failed.map((f) => f.error.message) }));",
    ].join("\n");
    writeFileSync(join(project, "app.mjs"), app);
    const logged = await node(["app.mjs", dev.url, key]);
    expect(logged.code, logged.stderr).toBe(0);
    const out = JSON.parse(logged.stdout) as {
      status: number;
      decision: string;
      ids: string[];
      accepted: number;
      failed: string[];
    };
    expect(out).toMatchObject({ status: 200, accepted: 1, failed: [] });
    expect(out.ids).toHaveLength(1);
    const id = out.ids[0]!;
    expect(id).toMatch(/^[0-9a-f]{64}$/);

    // The event is acknowledged at once and sealed into a batch shortly after: wait for its proof.
    const auth = { authorization: `Bearer ${key}` };
    let proofText = "";
    for (
      const deadline = Date.now() + 60_000;
      Date.now() < deadline;
      await new Promise((r) => setTimeout(r, 250))
    ) {
      const res = await fetch(`${dev.url}/v1/events/${id}`, { headers: auth });
      const text = await res.text();
      if (res.status === 200 && (JSON.parse(text) as { proof?: unknown }).proof) {
        proofText = text;
        break;
      }
    }
    expect(proofText, "the event was sealed within a minute").not.toBe("");
    const doc = JSON.parse(proofText) as {
      event: { decision_context: { decision_id: string; trace_id?: string; request?: unknown } };
    };
    expect(doc.event.decision_context).toMatchObject({
      decision_id: out.decision,
      trace_id: "4bf92f3577b34da6a3ce929d0e0e4736",
      request: { method: "POST", path: "/loan" },
    });
    writeFileSync(join(project, "proof.json"), proofText);
    writeFileSync(
      join(project, "log.vkey"),
      await (await fetch(`${dev.url}/v1/logs/0/key`, { headers: auth })).text(),
    );

    const verified = await npx(["edgelog", "verify", "proof.json", "--vkey", "log.vkey"]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout.match(/^✓ .*$/gm)?.length).toBe(5);

    // The same command fails on a proof whose event was changed after logging.
    const tampered = JSON.parse(proofText) as { event: { decision_logic: { output: string } } };
    tampered.event.decision_logic.output = "decline";
    writeFileSync(join(project, "tampered.json"), JSON.stringify(tampered));
    const refused = await npx(["edgelog", "verify", "tampered.json", "--vkey", "log.vkey"]);
    expect(refused.code).toBe(1);
    expect(refused.stdout + refused.stderr).toMatch(/event digest/);
  });
});

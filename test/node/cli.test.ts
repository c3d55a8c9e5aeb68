// The edgelog CLI against a real `wrangler dev`: admin, send (with retries), get, verify, tail,
// and how failures map to exit codes. The CLI runs as a child process (bin/edgelog.mjs, as users
// run it) or, where output is inspected in detail, through the bundle's main() in this process.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEV_ADMIN_TOKEN, freePort, startDev, type DevServer } from "./support/wrangler-dev";
import { desEvents, loadBundledMain, memoryIo, runCli, toNdjson, type MainFn } from "./support/cli";

interface SendJson {
  ok: boolean;
  accepted: number;
  duplicates: number;
  rejected: number;
  results: Array<{
    index: number;
    line?: number;
    status: string;
    id: string | null;
    errors?: Array<{ path: string; message: string }>;
  }>;
}

describe("edgelog CLI against wrangler dev", () => {
  let dev: DevServer;
  let main: MainFn;
  let key = "";
  let tenant = "";
  let vkeyFile = "";
  let eventId = "";
  const dir = mkdtempSync(join(tmpdir(), "edgelog-cli-"));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  /** Runs main() in this process against the dev server with the tenant's key. */
  const run = async (args: string[], options: { stdin?: string; env?: Record<string, string> } = {}) => {
    const mem = memoryIo({
      env: { EDGELOG_URL: dev.url, EDGELOG_KEY: key, ...options.env },
      stdin: options.stdin,
    });
    const code = await main(args, mem.io);
    return { code, stdout: mem.stdout(), stderr: mem.stderr() };
  };

  beforeAll(async () => {
    [dev, main] = await Promise.all([startDev(), loadBundledMain()]);
  });
  afterAll(async () => {
    await dev?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates a tenant and a key (admin token from flag or environment)", async () => {
    const t = await runCli([
      "tenant",
      "create",
      "CLI Tenant",
      "--admin-token",
      DEV_ADMIN_TOKEN,
      "--url",
      dev.url,
      "--json",
    ]);
    expect(t.code, t.stderr).toBe(0);
    tenant = (JSON.parse(t.stdout) as { id: string }).id;
    expect(tenant).toBe("cli-tenant");
    const k = await runCli(["key", "create", tenant, "--scopes", "ingest,read", "--url", dev.url], {
      env: { EDGELOG_ADMIN_TOKEN: DEV_ADMIN_TOKEN },
    });
    expect(k.code, k.stderr).toBe(0);
    key = k.stdout.trim();
    expect(key).toMatch(/^elk_/);
    expect(k.stderr).toMatch(/scopes ingest, read; it is shown only once/);

    const missing = await runCli(["tenant", "create", "x", "--url", dev.url]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/needs --admin-token/);
    const wrong = await runCli(["tenant", "create", "x", "--admin-token", "not-the-token", "--url", dev.url]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/HTTP 401 unauthorized/);
  });

  it("sends NDJSON in batches with gzip, reports rejected items by index, line and JSON pointer, exits 1", async () => {
    const events = desEvents(1200, { prefix: "send" });
    const lines = events.map((e) => JSON.stringify(e));
    lines.splice(
      600,
      0,
      JSON.stringify({ schema_version: "0.3.0", decision_context: { decision_type: "x" } }),
    );
    lines.splice(900, 0, "{not json");
    const path = file("events.ndjson", lines.join("\n") + "\n");
    const r = await run(["send", path, "--batch", "500", "--gzip", "--wait-sealed", "--json"]);
    expect(r.code, r.stderr).toBe(1);
    const out = JSON.parse(r.stdout) as SendJson;
    expect(out).toMatchObject({ ok: false, accepted: 1200, duplicates: 0, rejected: 2 });
    const bad = out.results.filter((x) => x.status === "rejected");
    expect(bad.map((b) => [b.index, b.line])).toEqual([
      [600, 601],
      [900, 901],
    ]);
    expect(bad[0]!.errors!.map((e) => e.path)).toContain("/decision_context/decision_id");
    eventId = out.results[5]!.id!;

    const human = await run(["send", path, "--batch", "1000"]);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/accepted 0, duplicates 1200, rejected 2, conflicts 0/);
    expect(human.stdout).toMatch(/#600 \(line 601\) \/decision_context\/decision_id: /);
    expect(human.stdout).toMatch(/#900 \(line 901\) \(event\): .*not valid JSON/);

    // A JSON array on stdin: all duplicates now, so nothing is rejected and the exit code is 0.
    const again = await runCli(["send", "-", "--url", dev.url, "--key", key], {
      input: JSON.stringify(events.slice(0, 50)),
    });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/accepted 0, duplicates 50, rejected 0/);
  });

  it("retries 503 (honouring Retry-After), 429 and dropped connections; resends are answered duplicate", async () => {
    let posts = 0;
    const proxy: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", async () => {
        const n = req.method === "POST" ? ++posts : 0;
        if (n === 1) return res.writeHead(503, { "retry-after": "1" }).end();
        if (n === 2) return req.socket.destroy();
        if (n === 3) return res.writeHead(429).end();
        const headers: Record<string, string> = {};
        for (const h of ["authorization", "content-type", "content-encoding"])
          if (req.headers[h]) headers[h] = String(req.headers[h]);
        const answer = await fetch(`${dev.url}${req.url}`, {
          method: req.method,
          headers,
          body: req.method === "POST" ? Buffer.concat(chunks) : undefined,
        });
        // The server took this request, but its answer is lost: the resend meets duplicates.
        if (n === 4) return req.socket.destroy();
        res
          .writeHead(answer.status, {
            "content-type": answer.headers.get("content-type") ?? "application/json",
          })
          .end(Buffer.from(await answer.arrayBuffer()));
      });
    });
    const port = await freePort();
    await new Promise<void>((r) => proxy.listen(port, "127.0.0.1", r));
    try {
      const path = file("retry.ndjson", toNdjson(desEvents(300, { prefix: "retry" })));
      const started = Date.now();
      const r = await runCli([
        "send",
        path,
        "--batch",
        "100",
        "--concurrency",
        "1",
        "--url",
        `http://127.0.0.1:${port}`,
        "--key",
        key,
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(r.stdout).toMatch(/accepted 200, duplicates 100, rejected 0/);
      expect(r.stderr).toMatch(/HTTP 503; retry 1 in 1\.\d s/);
      expect(r.stderr).toMatch(/ECONNRESET|socket|other side closed/i);
      expect(r.stderr).toMatch(/HTTP 429; retry 3/);
      expect(posts).toBe(7);
    } finally {
      await new Promise((r) => proxy.close(r));
    }
  });

  it("gets an event; --verify with the server's key says it is not independent evidence", async () => {
    const plain = await run(["get", eventId]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(new RegExp(`^event     ${eventId}\\n`));
    expect(plain.stdout).toMatch(/status    sealed \(batch \d+, leaf \d+ of \d+; tree size \d+\)/);
    expect(plain.stdout).toContain('"decision_id": "send-5"');

    const checked = await run(["get", eventId, "--verify"]);
    expect(checked.code, checked.stderr).toBe(0);
    expect(checked.stderr).toMatch(/key the server publishes .* not that the log is honest/);
    expect(checked.stdout).toMatch(/✓ log inclusion/);

    const vkey = await (
      await fetch(`${dev.url}/v1/logs/0/key`, { headers: { authorization: `Bearer ${key}` } })
    ).text();
    vkeyFile = file("log.vkey", vkey);
    const independent = await run(["get", eventId, "--vkey", vkeyFile]);
    expect(independent.code).toBe(0);
    expect(independent.stderr).toBe("");
    expect(independent.stdout).toMatch(
      /verified: event [0-9a-f]{64} is seq \d+ of edgelog\.localhost\/cli-tenant\/0/,
    );
  });

  it("verifies a real proof offline and names the failing step for tampered proofs and a wrong key", async () => {
    const fetched = await run(["get", eventId, "--json"]);
    expect(fetched.code).toBe(0);
    const doc = JSON.parse(fetched.stdout) as {
      event: { decision_logic: { output: string } };
      proof: { batch_path: string[]; log_path: string[]; batch: { root: string } };
    };
    const proofFile = file("proof.json", fetched.stdout);

    const ok = await runCli(["verify", proofFile, "--vkey", vkeyFile]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout.match(/^✓ .*$/gm)?.map((l) => l.slice(2, 24).trim())).toEqual([
      "envelope leaf",
      "event digest",
      "batch inclusion",
      "checkpoint signature",
      "log inclusion",
    ]);

    const flip = (hex: string) => (parseInt(hex[0]!, 16) ^ 1).toString(16) + hex.slice(1);
    const tampered = (change: (d: typeof doc) => void) => {
      const copy = structuredClone(doc);
      change(copy);
      return JSON.stringify(copy);
    };
    const failures: Array<[string, string, string[]]> = [
      [
        "flipped bit in batch_path",
        tampered((d) => (d.proof.batch_path[0] = flip(d.proof.batch_path[0]!))),
        ["--vkey", vkeyFile],
      ],
      [
        "changed event body",
        tampered((d) => (d.event.decision_logic.output = "decline")),
        ["--vkey", vkeyFile],
      ],
      [
        "flipped bit in log_path",
        tampered((d) => (d.proof.log_path[0] = flip(d.proof.log_path[0]!))),
        ["--vkey", vkeyFile],
      ],
    ];
    const other = await runCli(["keygen", "--name", "edgelog.localhost/cli-tenant/0", "--json"]);
    const otherVkey = (JSON.parse(other.stdout) as { vkey: string }).vkey;
    failures.push(["wrong vkey (another seed)", JSON.stringify(doc), ["--key", otherVkey]]);

    const steps: Record<string, unknown> = {};
    for (const [name, text, keyArgs] of failures) {
      const r = await runCli(["verify", "-", ...keyArgs, "--json"], { input: text });
      expect(r.code, `${name}: ${r.stdout}${r.stderr}`).toBe(1);
      const err = (
        JSON.parse(r.stdout) as { ok: boolean; error: { step: string; expected: string; found: string } }
      ).error;
      expect(err.expected).not.toBe(err.found);
      steps[name] = err.step;
      if (name === "flipped bit in batch_path") expect(err.expected).toBe(doc.proof.batch.root);
    }
    expect(steps).toEqual({
      "flipped bit in batch_path": "batch inclusion",
      "changed event body": "event digest",
      "flipped bit in log_path": "log inclusion",
      "wrong vkey (another seed)": "checkpoint signature",
    });

    const human = await runCli(["verify", "-", "--vkey", vkeyFile], { input: failures[0]![1] });
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(
      /^✗ batch inclusion +batch root recomputed from the inclusion path differs from the header\n {4}at +seq \d+, id [0-9a-f]{64}\n {4}expected [0-9a-f]{64}\n {4}found +[0-9a-f]{64}\n$/,
    );
    expect(readFileSync(proofFile, "utf8")).toBe(fetched.stdout);
  });

  it("tails new batches with their envelopes, proving each checkpoint consistent, and stops after --max-batches", async () => {
    const tailing = runCli(
      [
        "tail",
        "--url",
        dev.url,
        "--key",
        key,
        "--vkey",
        vkeyFile,
        "--interval",
        "100",
        "--events",
        "--max-batches",
        "2",
        "--json",
      ],
      { timeoutMs: 30_000 },
    );
    await new Promise((r) => setTimeout(r, 1000));
    const sent = await run(["send", "-", "--wait-sealed"], {
      stdin: toNdjson(desEvents(300, { prefix: "tail" })),
    });
    expect(sent.code, sent.stderr).toBe(0);
    const r = await tailing;
    expect(r.code, r.stderr).toBe(0);
    const records = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { batch?: number; count?: number; envelope?: { seq: number } });
    const headers = records.filter((x) => x.envelope === undefined);
    expect(headers).toHaveLength(2);
    expect(headers[1]!.batch).toBe(headers[0]!.batch! + 1);
    const envelopes = records.filter((x) => x.envelope !== undefined);
    expect(envelopes).toHaveLength(headers[0]!.count! + headers[1]!.count!);
    expect(envelopes.map((x) => x.envelope!.seq)).toEqual(
      envelopes.map((_, i) => envelopes[0]!.envelope!.seq + i),
    );
  });

  it("tail stops cleanly on SIGINT (exit 0)", async () => {
    let sent = false;
    const r = await runCli(
      ["tail", "--url", dev.url, "--key", key, "--vkey", vkeyFile, "--interval", "100"],
      {
        timeoutMs: 30_000,
        onStart: (child, output) => {
          const poll = setInterval(() => {
            if (!sent && output().includes("# checkpoint")) {
              sent = true;
              clearInterval(poll);
              child.kill("SIGINT");
            }
          }, 50);
        },
      },
    );
    expect(sent).toBe(true);
    expect(r.signal).toBeNull();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^# checkpoint \d+ root [0-9a-f]{64}: signature ✓/);
  });

  it("maps network, HTTP and usage errors to exit 2 with a clear message", async () => {
    const port = await freePort();
    const down = await runCli([
      "get",
      eventId,
      "--url",
      `http://127.0.0.1:${port}`,
      "--key",
      key,
      "--retries",
      "0",
    ]);
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(
      /cannot reach http:\/\/127\.0\.0\.1:\d+ .*ECONNREFUSED.*set --url or EDGELOG_URL/i,
    );
    const missing = await run(["get", "0".repeat(64)]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/HTTP 404 not_found/);
    const badKey = await run(["get", eventId, "--key", "elk_nope_nope"]);
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toMatch(/HTTP 401 .*check --key or EDGELOG_KEY/);
    const noKey = await runCli(["get", eventId, "--url", dev.url]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/needs an API key: pass --key <key> or set EDGELOG_KEY/);
    const json = await run(["get", "0".repeat(64), "--json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: { code: "http" } });
  });
});

// `edgelog audit` against a real `wrangler dev` log of a few thousand events, and the audit
// engine fed tampered copies of that log's real batches: every kind of tampering must fail and
// name the batch (and event) where it shows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync, gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromHex, toHex } from "../../src/core/bytes";
import {
  formatCheckpoint,
  parseSigningKey,
  signNote,
  signerFromSeed,
  verifierFromVkey,
  type NoteVerifier,
} from "../../src/core/note";
import { auditLog, type LogAuditInput } from "../../src/cli/audit/log-audit";
import type { AuditState } from "../../src/cli/audit/state";
import { CheckFailedError } from "../../src/cli/errors";
import { DEV_SIGNING_KEY, devTenant, startDev, type DevServer } from "./support/wrangler-dev";
import { desEvents, loadBundledMain, memoryIo, runCli, toNdjson, type MainFn } from "./support/cli";

interface AuditJson {
  ok: boolean;
  size: number;
  events: number;
  bodies_checked: number;
  events_per_second: number;
  steps: Array<{ step: string; detail: string }>;
  error?: {
    step: string;
    message: string;
    expected: string;
    found: string;
    batch?: number;
    seq?: number;
    id?: string;
  };
}

describe("edgelog audit", () => {
  let dev: DevServer;
  let main: MainFn;
  let key = "";
  let vkey = "";
  let origin = "";
  const dir = mkdtempSync(join(tmpdir(), "edgelog-audit-"));
  const vkeyFile = join(dir, "log.vkey");
  const stateFile = join(dir, "state.json");
  const api = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${dev.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${key}`, ...init.headers },
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res;
  };
  /** Ingests `count` events and waits until they are sealed. */
  const ingest = async (count: number, start: number) => {
    for (let i = 0; i < count; i += 1000) {
      const n = Math.min(1000, count - i);
      const body = toNdjson(desEvents(n, { prefix: "audit", pad: 200 }, start + i));
      const res = await api("/v1/events?wait=sealed", {
        method: "POST",
        headers: { "content-type": "application/x-ndjson" },
        body,
      });
      expect(((await res.json()) as { accepted: number }).accepted).toBe(n);
    }
  };
  /** Lines (1-based, after the header) of a batch text whose full, unmasked body is retained. */
  const bodyLines = (text: string) =>
    text
      .trimEnd()
      .split("\n")
      .map(
        (l, i) =>
          [
            i,
            JSON.parse(l) as { envelope?: { retained?: string; masked?: unknown[] }; event?: unknown },
          ] as const,
      )
      .filter(
        ([i, v]) =>
          i > 0 && v.envelope?.retained === "body" && !v.envelope.masked?.length && v.event !== null,
      )
      .map(([i]) => i);
  const audit = (extra: string[] = []) =>
    runCli([
      "audit",
      dev.url,
      "--vkey",
      vkeyFile,
      "--state",
      stateFile,
      "--key",
      key,
      "--json",
      ...extra,
    ]).then((r) => ({
      ...r,
      json: JSON.parse(r.stdout || "null") as AuditJson,
    }));

  beforeAll(async () => {
    [dev, main] = await Promise.all([startDev(), loadBundledMain()]);
    key = (await devTenant(dev.url, "auditor")).key;
    await ingest(3000, 0);
    vkey = (await (await api("/v1/logs/0/key")).text()).trim();
    writeFileSync(vkeyFile, `${vkey}\n`);
    origin = vkey.split("+")[0]!;
  });
  afterAll(async () => {
    await dev?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("audits every batch of a log, saves the checkpoint, and after more events proves consistency with it", async () => {
    const first = await audit();
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.json.events).toBe(3000);
    const texts = await Promise.all(
      Array.from({ length: first.json.size }, async (_, n) => (await api(`/v1/logs/0/batches/${n}`)).text()),
    );
    const bodies = texts.reduce((sum, t) => sum + bodyLines(t).length, 0);
    // Full-tier events (every third) keep their body; the rest may keep only a projection.
    expect(bodies).toBeGreaterThanOrEqual(1000);
    expect(first.json.bodies_checked).toBe(bodies);
    expect(first.json.steps.map((s) => s.step)).toEqual(["checkpoint signature", "batches", "log root"]);
    // The same audit with the batches checked in worker threads finds the same.
    const threaded = await runCli([
      "audit",
      dev.url,
      "--vkey",
      vkeyFile,
      "--state",
      join(dir, "threaded.json"),
      "--key",
      key,
      "--json",
      "--workers",
      "2",
    ]);
    expect(threaded.code, threaded.stdout + threaded.stderr).toBe(0);
    expect(JSON.parse(threaded.stdout)).toMatchObject({
      events: 3000,
      size: first.json.size,
      bodies_checked: bodies,
      root: (first.json as unknown as { root: string }).root,
    });
    const saved = JSON.parse(readFileSync(stateFile, "utf8")) as AuditState;
    expect(saved).toMatchObject({ version: 1, origin, size: first.json.size, events: 3000 });
    expect(saved.checkpoint).toMatch(new RegExp(`^${origin}\\n${saved.size}\\n`));

    await ingest(1000, 3000);
    const second = await runCli(["audit", dev.url, "--vkey", vkeyFile, "--state", stateFile, "--key", key]);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toMatch(new RegExp(`✓ consistency +tree ${saved.size} → \\d+ proven append-only`));
    expect(second.stdout).toMatch(
      new RegExp(`✓ previous root +recomputed from the first ${saved.size} batch headers`),
    );
    expect(second.stdout).toMatch(
      /audit passed: \d+ batches, 4000 events in .* events\/s\); state saved to /,
    );
    const resaved = JSON.parse(readFileSync(stateFile, "utf8")) as AuditState;
    expect(resaved.size).toBeGreaterThan(saved.size);
    expect(resaved.events).toBe(4000);
  });

  it("fails (exit 1) on a state file holding a forged checkpoint, and keeps the state file", async () => {
    const good = readFileSync(stateFile, "utf8");
    const state = JSON.parse(good) as AuditState;
    const signer = await signerFromSeed(origin, parseSigningKey(DEV_SIGNING_KEY));
    const forge = async (size: number, root: Uint8Array) => {
      const checkpoint = await signNote(formatCheckpoint({ origin, size, rootHash: root }), [signer]);
      return { ...state, size, root: toHex(root), checkpoint };
    };
    const otherRoot = fromHex(state.root.replace(/^./, (c) => (c === "0" ? "1" : "0")));
    const cases: Array<[string, AuditState, string]> = [
      // Validly signed by the log's own key, but another history: a fork shown to this auditor.
      ["a signed checkpoint of another history", await forge(state.size - 2, otherRoot), "consistency"],
      [
        "a checkpoint whose signature does not verify",
        {
          ...state,
          checkpoint: state.checkpoint.replace(`\n${state.size}\n`, `\n${state.size - 1}\n`),
          size: state.size - 1,
        },
        "previous checkpoint",
      ],
      ["a checkpoint larger than the log (rollback)", await forge(state.size + 5, otherRoot), "consistency"],
      [
        "a state whose root is not its checkpoint's",
        { ...state, root: toHex(otherRoot) },
        "previous checkpoint",
      ],
    ];
    for (const [name, forged, step] of cases) {
      const text = JSON.stringify(forged);
      writeFileSync(stateFile, text);
      const r = await audit();
      expect(r.code, `${name}: ${r.stdout}${r.stderr}`).toBe(1);
      expect(r.json.error?.step, name).toBe(step);
      expect(readFileSync(stateFile, "utf8"), name).toBe(text);
    }
    writeFileSync(stateFile, good);
  });

  // The CLI fetches ranges of batches (`/batches?from=M&to=N`, gzip members as
  // application/gzip) and, from a server without range exports (404 there), one batch per
  // request: batch 3 is tampered with in whichever answer carries it.
  it.each([
    ["on the main thread, from range exports", "0", "ranges"],
    ["in worker threads, from range exports", "2", "ranges"],
    ["on the main thread, one batch per request", "0", "batches"],
    ["in worker threads, one batch per request", "2", "batches"],
  ])(
    "reports the batch and event of tampered data served to the CLI (exit 1), checking %s",
    async (_how, workers, served) => {
      const mem = memoryIo({ env: { EDGELOG_KEY: key } });
      const realFetch = mem.io.fetch;
      let tamperedLine = 0;
      let tampered = 0;
      const io = {
        ...mem.io,
        fetch: (async (url: string | URL | Request, init?: RequestInit) => {
          const range = /\/batches\?from=(\d+)&to=(\d+)$/.exec(String(url));
          if (range && served === "batches") {
            return new Response('{"error":{"code":"not_found","message":"no route","details":[]}}', {
              status: 404,
            });
          }
          const res = await realFetch(url, init);
          const holds3 = range
            ? Number(range[1]) <= 3 && 3 < Number(range[2])
            : String(url).endsWith("/batches/3");
          if (!holds3) return res;
          const gz = /^application\/gzip/.test(res.headers.get("content-type") ?? "");
          expect(gz, "range exports are asked for as application/gzip").toBe(range !== null);
          const raw = new Uint8Array(await res.arrayBuffer());
          const lines = new TextDecoder().decode(gz ? gunzipSync(raw) : raw).split("\n");
          // Find batch 3's header line by walking the headers' counts.
          let h = 0;
          while ((JSON.parse(lines[h]!) as { batch: number }).batch !== 3)
            h += 1 + (JSON.parse(lines[h]!) as { count: number }).count;
          const count = (JSON.parse(lines[h]!) as { count: number }).count;
          const at = bodyLines(lines.slice(h, h + 1 + count).join("\n"))[3]!;
          const changed = lines[h + at]!.replace(
            '"decision_type":"credit_approval"',
            '"decision_type":"fraud_detection"',
          );
          expect(changed).not.toBe(lines[h + at]);
          lines[h + at] = changed;
          tamperedLine = at + 1;
          tampered++;
          const text = lines.join("\n");
          return new Response(gz ? gzipSync(text) : text, {
            status: 200,
            headers: { "content-type": gz ? "application/gzip" : "application/x-ndjson" },
          });
        }) as typeof fetch,
      };
      const code = await main(
        ["audit", dev.url, "--vkey", vkeyFile, "--state", join(dir, "fresh.json"), "--workers", workers],
        io,
      );
      expect(code, mem.stdout() + mem.stderr()).toBe(1);
      expect(tampered).toBe(1);
      expect(mem.stdout()).toMatch(
        new RegExp(
          `✗ event body +event seq (\\d+): retained body does not hash to the envelope's id\\n {4}at +batch 3, line ${tamperedLine}, seq \\1, id [0-9a-f]{64}\\n`,
        ),
      );
    },
  );

  describe("engine on tampered batch texts", () => {
    let batches: string[] = [];
    let checkpoint = "";
    let verifier: NoteVerifier;

    beforeAll(async () => {
      checkpoint = await (await api("/v1/logs/0/checkpoint")).text();
      const size = Number(checkpoint.split("\n")[1]);
      batches = await Promise.all(
        Array.from({ length: size }, async (_, n) => (await api(`/v1/logs/0/batches/${n}`)).text()),
      );
      verifier = await verifierFromVkey(vkey);
    });

    const input = (texts: readonly string[], previous: AuditState | null = null): LogAuditInput => ({
      verifier,
      checkpoint,
      previous,
      sources: {
        async *batches(size) {
          for (const t of texts.slice(0, size)) yield t;
        },
        consistency: async () => [],
      },
    });
    /** Batch 2 with `change` applied to its lines (line 0 is the header). */
    const tamper = (change: (lines: string[]) => void) => {
      const copy = batches.slice();
      const lines = copy[2]!.trimEnd().split("\n");
      change(lines);
      copy[2] = lines.join("\n") + "\n";
      return copy;
    };
    const failure = async (texts: readonly string[]) => {
      const err = await auditLog(input(texts)).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(CheckFailedError);
      return err as CheckFailedError;
    };
    const edit = (
      line: string,
      f: (v: { envelope: Record<string, unknown>; event: Record<string, unknown> }) => void,
    ) => {
      const v = JSON.parse(line) as { envelope: Record<string, unknown>; event: Record<string, unknown> };
      f(v);
      return JSON.stringify(v);
    };

    it("audits the same bytes served with Content-Encoding: gzip (asked for by the CLI)", async () => {
      let gzipped = 0;
      const server = createServer((req, res) => {
        const batch = /^\/v1\/logs\/0\/batches\/(\d+)$/.exec(req.url ?? "");
        if (req.url === "/v1/logs/0/checkpoint") {
          res.writeHead(200, { "content-type": "text/plain" }).end(checkpoint);
        } else if (batch && Number(batch[1]) < batches.length) {
          const asked = String(req.headers["accept-encoding"] ?? "").includes("gzip");
          if (asked) gzipped++;
          res.writeHead(200, {
            "content-type": "application/x-ndjson",
            ...(asked ? { "content-encoding": "gzip" } : {}),
          });
          res.end(asked ? gzipSync(batches[Number(batch[1])]!) : batches[Number(batch[1])]);
        } else res.writeHead(404).end();
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        const mem = memoryIo();
        const code = await main(
          ["audit", url, "--vkey", vkeyFile, "--state", join(dir, "gzip.json"), "--key", key, "--json"],
          mem.io,
        );
        expect(code, mem.stdout() + mem.stderr()).toBe(0);
        expect(JSON.parse(mem.stdout())).toMatchObject({ ok: true, events: 4000, size: batches.length });
        expect(gzipped).toBe(batches.length);
      } finally {
        server.closeAllConnections();
        server.close();
      }
    });

    it("passes on the untouched log", async () => {
      const report = await auditLog(input(batches));
      expect(report.events).toBe(4000);
      expect(report.size).toBe(batches.length);
    });

    it("a changed body: names batch, seq and id", async () => {
      const at = bodyLines(batches[2]!)[1]!;
      const e = await failure(
        tamper(
          (l) =>
            (l[at] = edit(
              l[at]!,
              (v) => ((v.event.decision_context as Record<string, unknown>).decision_type = "fraud"),
            )),
        ),
      );
      const env = (JSON.parse(batches[2]!.split("\n")[at]!) as { envelope: { seq: number; id: string } })
        .envelope;
      expect([e.step, e.where]).toEqual(["event body", { batch: 2, line: at + 1, seq: env.seq, id: env.id }]);
      expect(e.expected).toBe(env.id);
    });

    it("a changed envelope: the batch root no longer matches the header", async () => {
      const e = await failure(
        tamper((l) => (l[7] = edit(l[7]!, (v) => (v.envelope.received_at = "2020-01-01T00:00:00.000Z")))),
      );
      expect([e.step, e.where.batch]).toEqual(["batch root", 2]);
      expect(e.expected).toBe((JSON.parse(batches[2]!.split("\n")[0]!) as { root: string }).root);
    });

    it("a changed header root, or any other header field: batch root, then log root", async () => {
      const rootChanged = await failure(
        tamper(
          (l) => (l[0] = l[0]!.replace(/"root":"(.)/, (_, c: string) => `"root":"${c === "a" ? "b" : "a"}`)),
        ),
      );
      expect([rootChanged.step, rootChanged.where.batch]).toEqual(["batch root", 2]);
      const sealedAt = await failure(
        tamper((l) => (l[0] = l[0]!.replace(/"sealed_at":"\d{4}/, '"sealed_at":"1999'))),
      );
      expect(sealedAt.step).toBe("log root");
    });

    it("a deleted line: a missing seq, or a short count when it was the last", async () => {
      const first = (JSON.parse(batches[2]!.split("\n")[0]!) as { first_seq: number }).first_seq;
      const middle = await failure(tamper((l) => l.splice(10, 1)));
      expect([middle.step, middle.where.batch, middle.message]).toEqual([
        "event order",
        2,
        `event seq ${first + 9} is missing: line 11 holds seq ${first + 10}`,
      ]);
      const last = await failure(tamper((l) => l.pop()));
      expect([last.step, last.where.batch]).toEqual(["batch count", 2]);
    });

    it("swapped lines and a duplicated seq", async () => {
      const swapped = await failure(tamper((l) => ([l[3], l[8]] = [l[8]!, l[3]!])));
      expect([swapped.step, swapped.where.batch, swapped.where.line]).toEqual(["event order", 2, 4]);
      expect(swapped.message).toMatch(/out of order: line 4 holds seq \d+, seq \d+ is at line 9/);
      const duplicated = await failure(tamper((l) => (l[4] = l[3]!)));
      expect(duplicated.message).toMatch(/duplicate seq \d+ at line 5 \(first at line 4\)/);
    });

    it("a batch that does not continue the previous one, and a missing batch", async () => {
      const gap = await failure(
        tamper(
          (l) =>
            (l[0] = l[0]!.replace(/"first_seq":(\d+)/, (_, s: string) => `"first_seq":${Number(s) + 1}`)),
        ),
      );
      expect([gap.step, gap.where.batch]).toEqual(["batch continuity", 2]);
      const short = await failure(batches.slice(0, -1));
      expect(short.step).toBe("batch count");
    });
  });
});

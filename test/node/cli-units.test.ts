// Parts of the CLI that need no server: argument parsing, progress, HTTP retries, the compact
// range, input chunking, and the commands that run offline (help, keygen, usage errors).
import { describe, expect, it } from "vitest";
import { toHex } from "../../src/core/bytes";
import { hashLeaf, inclusionProof, merkleRoot, subtreeHashesFromLeaves } from "../../src/core/merkle";
import {
  formatCheckpoint,
  formatVerifierKey,
  parseSigningKey,
  parseVerifierKey,
  signNote,
  signerFromSeed,
  verifierFromPublicKey,
} from "../../src/core/note";
import { sha256Hex } from "../../src/core/digest";
import { checkEventProof } from "../../src/cli/proof-check";
import { CheckFailedError } from "../../src/cli/errors";
import { parseArgs } from "../../src/cli/args";
import { canonicalJson } from "../../src/core/canonical";
import { UsageError } from "../../src/cli/errors";
import { ApiClient, HttpError, NetworkError } from "../../src/cli/http";
import { ProgressBar } from "../../src/cli/progress";
import { chunkItems, detectFormat, parseItems } from "../../src/cli/send/items";
import { loadBundledMain, memoryIo } from "./support/cli";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { commitEvent } from "../../src/core/commitment";
import { compileMask } from "../../src/core/masking";

describe("parseArgs", () => {
  const specs = {
    url: { type: "string" },
    json: { type: "boolean" },
    batch: { type: "integer", min: 1 },
    help: { type: "boolean", aliases: ["h"] },
    vkey: { type: "string", aliases: ["verifier"] },
  } as const;

  it("reads --name value, --name=value, booleans, aliases, '-' and '--'", () => {
    const p = parseArgs(
      ["a", "--url", "http://x", "--batch=20", "-", "--json", "-h", "--verifier", "k", "--", "--not-a-flag"],
      specs,
    );
    expect(p.flags).toEqual({ url: "http://x", batch: 20, json: true, help: true, vkey: "k" });
    expect(p.positionals).toEqual(["a", "-", "--not-a-flag"]);
  });

  it("refuses unknown flags, suggesting the near miss", () => {
    expect(() => parseArgs(["--bach", "3"], specs)).toThrow(
      /unknown option '--bach' \(did you mean --batch\?\)/,
    );
    expect(() => parseArgs(["--zzz"], specs)).toThrow(UsageError);
  });

  it("refuses missing and malformed values", () => {
    expect(() => parseArgs(["--url"], specs)).toThrow(/--url needs a value/);
    expect(() => parseArgs(["--url", "--json"], specs)).toThrow(/--url needs a value/);
    expect(() => parseArgs(["--batch", "ten"], specs)).toThrow(/--batch needs an integer, found 'ten'/);
    expect(() => parseArgs(["--batch", "0"], specs)).toThrow(/at least 1/);
    expect(() => parseArgs(["--json=yes"], specs)).toThrow(/takes no value/);
  });
});

describe("ProgressBar", () => {
  function sink(isTTY: boolean) {
    let text = "";
    return { stream: { write: (t: string) => void (text += t), isTTY, columns: 200 }, text: () => text };
  }

  it("draws in place on a TTY with count, percentage and rate, and clears on finish", () => {
    const s = sink(true);
    let now = 0;
    const bar = new ProgressBar({
      stream: s.stream,
      label: "audit",
      unit: "batches",
      total: 10,
      now: () => now,
    });
    now = 2000;
    bar.update(5, { count: 1000, unit: "events" });
    expect(s.text()).toMatch(
      /^\raudit  \[#{12}\.{12}\]  5\/10 batches  50%  500 events\/s  eta 2\.0 s\x1b\[K$/,
    );
    bar.finish();
    expect(s.text().endsWith("\r\x1b[K")).toBe(true);
  });

  it("writes nothing when the stream is not a terminal", () => {
    const s = sink(false);
    const bar = new ProgressBar({ stream: s.stream, label: "send", unit: "events", total: 3 });
    bar.update(3);
    bar.finish();
    expect(s.text()).toBe("");
  });
});

describe("Retry-After and the retrying client", () => {
  function fakeClient(answers: Array<Response | Error | (() => Response)>, retries = 3) {
    const sleeps: number[] = [];
    let calls = 0;
    const client = new ApiClient({
      baseUrl: "http://edgelog.test",
      token: "k",
      retry: { maxAttempts: retries + 1, baseDelayMs: 100, maxDelayMs: 1000 },
      random: () => 1,
      io: {
        fetch: (async () => {
          const a = answers[Math.min(calls++, answers.length - 1)]!;
          if (a instanceof Error) throw a;
          return typeof a === "function" ? a() : a.clone();
        }) as typeof fetch,
        sleep: async (ms) => void sleeps.push(ms),
      },
    });
    return { client, sleeps, calls: () => calls };
  }

  it("retries 429/503 after Retry-After and then returns the answer", async () => {
    const f = fakeClient([
      new Response("", { status: 503, headers: { "retry-after": "2" } }),
      new Response("", { status: 429 }),
      new Response("ok", { status: 200 }),
    ]);
    expect(await f.client.getText("/x")).toBe("ok");
    // Retry-After 2 s plus the first retry's jitter (at most the base delay); then backoff 200 ms (retry 2).
    expect(f.sleeps).toEqual([2100, 200]);
  });

  it("retries network errors with exponential backoff, then names the server and the cause", async () => {
    const refused = Object.assign(new TypeError("fetch failed"), {
      cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
    });
    const f = fakeClient([refused], 3);
    const err = await f.client.getText("/v1/logs").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as NetworkError).exitCode).toBe(2);
    expect((err as Error).message).toMatch(
      /cannot reach http:\/\/edgelog\.test \(GET \/v1\/logs\): ECONNREFUSED after 4 attempts; is the server running/,
    );
    expect(f.sleeps).toEqual([100, 200, 400]);
  });

  it("retries when the connection drops while the body arrives", async () => {
    const dropped = () =>
      new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode("[1,"));
            controller.error(new TypeError("terminated"));
          },
        }),
        { status: 200 },
      );
    const f = fakeClient([dropped, new Response("[1,2]", { status: 200 })]);
    expect(await f.client.getJson<number[]>("/x")).toEqual([1, 2]);
    expect(f.calls()).toBe(2);
    expect(f.sleeps).toEqual([100]);
  });

  it("does not retry a client error and reports the API's error code and message", async () => {
    const body = JSON.stringify({
      error: { code: "not_found", message: "event abc not found", details: [] },
    });
    const f = fakeClient([new Response(body, { status: 404 })]);
    const err = await f.client.getText("/v1/events/abc").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).apiCode).toBe("not_found");
    expect((err as Error).message).toBe("GET /v1/events/abc: HTTP 404 not_found: event abc not found");
    expect(f.calls()).toBe(1);
  });
});

describe("send input", () => {
  it("detects the format and keeps NDJSON line numbers", () => {
    expect(detectFormat("a.json", "{}")).toBe("json");
    expect(detectFormat("a.ndjson", "[1]")).toBe("ndjson");
    expect(detectFormat("-", '[{"a":1}]')).toBe("json");
    expect(detectFormat("-", '{"a":1}\n{"a":2}\n')).toBe("ndjson");
    const items = parseItems('{"a":1}\n\n  {"a":2}  \nnot json\n', "ndjson", "x");
    expect(items.map((i) => [i.index, i.line, i.text])).toEqual([
      [0, 1, '{"a":1}'],
      [1, 3, '{"a":2}'],
      [2, 4, "not json"],
    ]);
    expect(parseItems('[{"a":1},{"b":"é"}]', "json", "x").map((i) => [i.index, i.line, i.bytes])).toEqual([
      [0, null, 7],
      [1, null, 10],
    ]);
  });

  it("chunks by event count and by bytes", () => {
    const items = parseItems(Array.from({ length: 10 }, (_, i) => `{"n":${i}}`).join("\n"), "ndjson", "x");
    expect(chunkItems(items, 4, 1 << 20).map((c) => c.length)).toEqual([4, 4, 2]);
    // Each item is 7 bytes + newline: 3 fit in 24 bytes.
    expect(chunkItems(items, 100, 24).map((c) => c.length)).toEqual([3, 3, 3, 1]);
  });
});

describe("edgelog offline commands (bundled main)", () => {
  it("prints help with the exit codes, and refuses unknown commands and flags with exit 2", async () => {
    const main = await loadBundledMain();
    const help = memoryIo();
    expect(await main(["--help"], help.io)).toBe(0);
    expect(help.stdout()).toMatch(/exit codes:\n  0 .*\n  1 .*verification failed.*\n  2 .*usage/);
    for (const cmd of ["verify", "audit", "get", "send", "tail", "keygen", "tenant create", "key create"]) {
      expect(help.stdout()).toContain(`  ${cmd}`);
    }
    const bad = memoryIo();
    expect(await main(["frobnicate"], bad.io)).toBe(2);
    expect(bad.stderr()).toMatch(/unknown command 'frobnicate'/);
    const badFlag = memoryIo();
    expect(await main(["keygen", "--nam", "x"], badFlag.io)).toBe(2);
    expect(badFlag.stderr()).toMatch(/did you mean --name/);
    const verifyHelp = memoryIo();
    expect(await main(["verify", "--help"], verifyHelp.io)).toBe(0);
    expect(verifyHelp.stdout()).toMatch(/^usage: edgelog verify <proof\.json\|-> --vkey/);
  });

  it("keygen prints a signing key whose vkey matches the one printed with --name", async () => {
    const main = await loadBundledMain();
    const run = memoryIo();
    expect(await main(["keygen", "--name", "edgelog.localhost/t/0", "--json"], run.io)).toBe(0);
    const out = JSON.parse(run.stdout()) as { signing_key: string; vkey: string; name: string };
    const signer = await signerFromSeed(out.name, parseSigningKey(out.signing_key));
    expect(out.vkey).toBe(formatVerifierKey(signer.name, signer.publicKey));
    expect(parseVerifierKey(out.vkey).name).toBe("edgelog.localhost/t/0");
    const human = memoryIo();
    expect(await main(["keygen"], human.io)).toBe(0);
    expect(human.stdout()).toMatch(/^EDGELOG_SIGNING_KEY=[A-Za-z0-9+/]{43}=\n$/);
    expect(human.stdout()).not.toContain(out.signing_key);
  });

  it("verify without a key, with a bad key, or with an unreadable file is a usage error (2)", async () => {
    const main = await loadBundledMain();
    const a = memoryIo({ stdin: "{}" });
    expect(await main(["verify", "-"], a.io)).toBe(2);
    expect(a.stderr()).toMatch(/missing --vkey/);
    const b = memoryIo({ stdin: "{}" });
    expect(await main(["verify", "-", "--vkey", "name+00000000+AQ=="], b.io)).toBe(2);
    expect(b.stderr()).toMatch(/not a valid verifier key/);
    const c = memoryIo();
    expect(
      await main(
        [
          "verify",
          "no-such-file.json",
          "--key",
          "name+deadbeef+AXm1Vi6P5lT5QHixEuipi6eQH4U65pW+1+DjkQutBJZk",
        ],
        c.io,
      ),
    ).toBe(2);
  });
});

describe("proof check (synthetic log: one batch of 4 events, log of 3 batches)", () => {
  const origin = "edgelog.test/t/0";
  const enc = (t: string) => new TextEncoder().encode(t);
  async function build(
    envelopeExtra: Record<string, unknown>,
    event: unknown,
    body: unknown = { decision: "approve", n: 1 },
  ) {
    const id = await sha256Hex(enc(canonicalJson(body)));
    const envelopes = [0, 1, 2, 3].map((seq) => ({
      log: origin,
      seq: 8 + seq,
      id: seq === 1 ? id : "ab".repeat(32),
      digest: `sha256:${seq === 1 ? id : "ab".repeat(32)}`,
      retained: "body",
      ...(seq === 1 ? envelopeExtra : {}),
    }));
    const leaves = envelopes.map((e) => hashLeaf(enc(canonicalJson(e))));
    const header = {
      log: origin,
      batch: 1,
      first_seq: 8,
      count: 4,
      root: toHex(merkleRoot(leaves)),
      sealed_at: "2026-01-01T00:00:00.000Z",
    };
    const headers = [0, 1, 2].map((n) =>
      n === 1 ? header : { ...header, batch: n, first_seq: n * 4, root: "cd".repeat(32) },
    );
    const headerLeaves = headers.map((h) => hashLeaf(enc(canonicalJson(h))));
    const signer = await signerFromSeed(origin, new Uint8Array(32).fill(3));
    const checkpoint = await signNote(
      formatCheckpoint({ origin, size: 3, rootHash: merkleRoot(headerLeaves) }),
      [signer],
    );
    const doc = {
      envelope: envelopes[1],
      event: event === "original" ? body : event,
      status: "sealed",
      proof: {
        batch: header,
        leaf_index: 1,
        batch_path: inclusionProof(1, 4, subtreeHashesFromLeaves(leaves)).map(toHex),
        batch_index: 1,
        tree_size: 3,
        log_path: inclusionProof(1, 3, subtreeHashesFromLeaves(headerLeaves)).map(toHex),
        checkpoint,
      },
    };
    return { doc, verifier: await verifierFromPublicKey(origin, signer.publicKey) };
  }

  it("verifies the original body, and fails on a changed one", async () => {
    const ok = await build({}, "original");
    expect((await checkEventProof(ok.doc, ok.verifier)).map((s) => s.step)).toEqual([
      "envelope leaf",
      "event digest",
      "batch inclusion",
      "checkpoint signature",
      "log inclusion",
    ]);
    const changed = await build({}, { decision: "decline", n: 1 });
    const err = await checkEventProof(changed.doc, changed.verifier).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckFailedError);
    expect((err as CheckFailedError).step).toBe("event digest");
  });

  // Contract change (keyed commitments): a masked body is now checked, by rebuilding the
  // committed form the id hashes; only a projection (or no body) stays unchecked.
  it("checks a masked body against the committed form, and says a projection cannot be checked", async () => {
    const commitment = `hmac-sha256:${"0f".repeat(32)}`;
    const committed = { decision: commitment, n: 1, ssn: `hmac-sha256:${"1e".repeat(32)}` };
    const removed = { "/ssn": committed.ssn };
    const stored = { decision: commitment, n: 1 };
    const masked = await build({ masked: ["/decision", "/ssn"], removed }, stored, committed);
    const steps = await checkEventProof(masked.doc, masked.verifier);
    expect(steps[1]!.step).toBe("event digest");
    expect(steps[1]!.detail).toMatch(
      /1 removed member\(s\) put back as their commitments\) = [0-9a-f]{64} matches/,
    );
    expect(steps.at(-1)!.step).toBe("log inclusion");
    // Content where a member was removed, a changed masked value, or a missing commitment: refused.
    for (const bad of [
      { ...stored, ssn: "078-05-1120" },
      { ...stored, decision: `hmac-sha256:${"0e".repeat(32)}` },
    ]) {
      const doc = (await build({ masked: ["/decision", "/ssn"], removed }, bad, committed)).doc;
      const err = await checkEventProof(doc, masked.verifier).catch((e: unknown) => e);
      expect((err as CheckFailedError).step, JSON.stringify(bad)).toBe("event digest");
    }
    const unrebuilt = await build({ masked: ["/decision", "/ssn"] }, stored, committed);
    const err = await checkEventProof(unrebuilt.doc, unrebuilt.verifier).catch((e: unknown) => e);
    expect((err as CheckFailedError).step).toBe("event digest");
    const projection = await build({ retained: "projection" }, { decision: "approve" });
    expect((await checkEventProof(projection.doc, projection.verifier))[1]!.detail).toMatch(/projection/);
  });

  it("verify --event --mask-key opens a masked event's commitment from the original; a wrong original or key exits 1", async () => {
    const key = new Uint8Array(32).fill(7);
    const original = {
      decision_logic: { output: { ssn_last4: "4821", applicant_dob: "1987-03-14", action: "approve" } },
      temporal_metadata: {
        hash_chain: { algorithm: "SHA-256", current_hash: "ab".repeat(32), previous_hash: null },
      },
    };
    const c = commitEvent(
      original,
      [
        compileMask("/decision_logic/output/ssn_last4", "hash"),
        compileMask("/decision_logic/output/applicant_dob", "remove"),
      ],
      key,
    );
    const built = await build({ masked: c.masked, removed: c.removed }, c.stored, c.committed);
    const dir = mkdtempSync(join(tmpdir(), "edgelog-open-"));
    try {
      const proofFile = join(dir, "proof.json");
      writeFileSync(proofFile, JSON.stringify(built.doc));
      const signer = await signerFromSeed(origin, new Uint8Array(32).fill(3));
      const vkey = formatVerifierKey(origin, signer.publicKey);
      const eventFile = (e: unknown) => {
        const f = join(dir, `event-${Math.random().toString(36).slice(2)}.json`);
        writeFileSync(f, JSON.stringify(e));
        return f;
      };
      const main = await loadBundledMain();
      const run = async (...extra: string[]) => {
        const io = memoryIo();
        const code = await main(["verify", proofFile, "--vkey", vkey, ...extra], io.io);
        return { code, out: io.stdout(), err: io.stderr() };
      };
      const hex = toHex(key);
      const ok = await run("--event", eventFile(original), "--mask-key", hex);
      expect(ok.code, ok.err).toBe(0);
      expect(ok.out).toMatch(/✓ original event .*committed form of the original, 3 value\(s\) keyed/);
      expect(ok.out).toMatch(/✓ event digest .*1 removed member/);
      const changed = structuredClone(original);
      changed.decision_logic.output.applicant_dob = "1987-03-15";
      const wrongEvent = await run("--event", eventFile(changed), "--mask-key", hex);
      expect(wrongEvent.code).toBe(1);
      expect(wrongEvent.out + wrongEvent.err).toMatch(/original event/);
      const wrongKey = await run("--event", eventFile(original), "--mask-key", "00".repeat(32));
      expect(wrongKey.code).toBe(1);
      const noKey = await run("--event", eventFile(original));
      expect(noKey.code).toBe(1);
      expect(noKey.out + noKey.err).toMatch(/mask key/);
      expect((await run("--mask-key", hex)).code).toBe(2);
      expect((await run("--event", eventFile(original), "--mask-key", "xyz")).code).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("names 'proof document' for a pending event or something that is not a proof", async () => {
    const pending = await build({}, "original");
    for (const doc of [{ ...pending.doc, proof: null }, [1, 2], { envelope: {} }]) {
      const err = await checkEventProof(doc, pending.verifier).catch((e: unknown) => e);
      expect((err as CheckFailedError).step, JSON.stringify(doc).slice(0, 40)).toBe("proof document");
    }
  });
});

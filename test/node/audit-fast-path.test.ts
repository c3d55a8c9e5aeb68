// The audit's fast path (src/core/audit/envelope-scan.ts): envelope members read from the bytes
// must be exactly what JSON.parse of the decoded text gives whenever the scanner accepts, and
// every tampered envelope, body or root must still fail with the slow path's answer. Also the
// CLI's split of a range export into batches (src/cli/audit/fetch-batches.ts).
import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { AuditFailure, checkBatch } from "../../src/core/audit";
import { newEnvelopeMembers, scanEnvelope } from "../../src/core/audit/envelope-scan";
import { nodeHasher } from "../../src/cli/audit/node-hasher";
import { rangeSpans, splitRange } from "../../src/cli/audit/fetch-batches";
import { defaultWorkers } from "../../src/cli/commands/audit";
import { toHex, utf8 } from "../../src/core/bytes";
import { canonicalJson } from "../../src/core/canonical";
import { hashLeaf, merkleRoot } from "../../src/core/merkle";

const ORIGIN = "fast.test/t/0";
const hasher = nodeHasher();
const fatal = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** What the slow path reads from an envelope's bytes, or null when it is not a JSON object. */
function slowMembers(bytes: Uint8Array) {
  let v: unknown;
  try {
    v = JSON.parse(fatal.decode(bytes));
  } catch {
    return null;
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) return null;
  const e = v as Record<string, unknown>;
  return {
    seq: e.seq,
    log: e.log,
    id: e.id,
    digest: e.digest,
    retained: e.retained === "body" || e.retained === "projection" ? e.retained : "other",
    masked: Array.isArray(e.masked) && e.masked.length > 0,
  };
}

/** What the scanner reads, or null when it declines (the caller then parses). */
function fastMembers(bytes: Uint8Array) {
  const m = newEnvelopeMembers();
  if (!scanEnvelope(bytes, 0, bytes.length, m) || m.end !== bytes.length) return null;
  const text = (s: number, e: number) => (s < 0 ? undefined : fatal.decode(bytes.subarray(s, e)));
  return {
    seq: m.seq < 0 ? undefined : m.seq,
    log: text(m.logStart, m.logEnd),
    id: text(m.idStart, m.idEnd),
    digest: text(m.digestStart, m.digestEnd),
    retained: m.retained,
    masked: m.masked,
  };
}

const sha = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");
const ENVELOPE = canonicalJson({
  log: ORIGIN,
  seq: 12,
  id: sha("x"),
  digest: `sha256:${sha("x")}`,
  retained: "body",
  masked: ["/a"],
  tier: "full",
  chain: { status: "ok", prev: null, n: [1.5e-7, -0, 10, true, false] },
  producer: 'p,"event":x é ✓ 😀 \u2028 \\ \u0001',
  received_at: "2026-11-30T00:00:00Z",
});

describe("envelope scanner", () => {
  it("reads a canonical envelope's members exactly as JSON.parse does", () => {
    const bytes = utf8(ENVELOPE);
    expect(fastMembers(bytes)).toEqual(slowMembers(bytes));
    expect(fastMembers(bytes)).toMatchObject({ seq: 12, log: ORIGIN, retained: "body", masked: true });
    expect(fastMembers(utf8('{"masked":[],"retained":"projection","seq":0}'))).toMatchObject({
      masked: false,
      retained: "projection",
      seq: 0,
    });
  });

  it("declines what it cannot read byte for byte, so the slow path decides", () => {
    const declined = [
      ENVELOPE.replace('"seq":12', '"seq": 12'), // whitespace
      ENVELOPE.replace('"seq":12', '"seq":12.0'), // JSON.parse gives 12
      ENVELOPE.replace('"seq":12', '"seq":1.2e1'),
      ENVELOPE.replace('"seq":12', '"seq":-12'),
      ENVELOPE.replace('"seq":12', '"seq":"12"'),
      ENVELOPE.replace('"seq":12', '"s\\u0065q":12'), // an escaped member name
      ENVELOPE.replace(`"log":"${ORIGIN}"`, `"log":"${ORIGIN.replace(".", "\\u002e")}"`), // an escaped value
      ENVELOPE.replace('"retained":"body"', '"retained":"b\\u006fdy"'),
      ENVELOPE.replace('"seq":12', '"seq":12,"seq":13'), // JSON.parse keeps the last
      ENVELOPE.replace('"tier":"full"', '"tier":{"event":1}'), // a nested member named event
      ENVELOPE.replace('"seq":12', '"seq":012'),
      ENVELOPE.replace('"tier":"full"', '"tier":tru'),
      ENVELOPE.replace('"tier":"full"', '"tier":[1,]'),
      ENVELOPE.slice(0, -1),
      "[" + ENVELOPE + "]",
    ];
    for (const text of declined) expect(fastMembers(utf8(text)), text).toBeNull();
    // Bytes that are not UTF-8 inside a string: the slow path's fatal decoder refuses them too.
    const at = ENVELOPE.indexOf("é");
    for (const bad of [
      [0xc3],
      [0xe9, 0x41],
      [0xed, 0xa0, 0x80],
      [0xc0, 0xaf],
      [0xf4, 0x90, 0x80, 0x80],
      [0xff],
    ]) {
      const bytes = utf8(ENVELOPE);
      const mutated = new Uint8Array([...bytes.subarray(0, at), ...bad, ...bytes.subarray(at + 2)]);
      expect(fastMembers(mutated), bad.join(" ")).toBeNull();
      expect(slowMembers(mutated), bad.join(" ")).toBeNull();
    }
  });

  it("never accepts a mutated envelope that JSON.parse would read differently (random byte edits)", () => {
    const base = utf8(ENVELOPE);
    const alphabet = utf8(' "\\{}[],:0123456789.eE+-tfnul\u00e9x') as Uint8Array;
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let accepted = 0;
    for (let round = 0; round < 20000; round++) {
      const bytes = Array.from(base);
      for (let k = 1 + rand(3); k > 0; k--) {
        const at = rand(bytes.length);
        const op = rand(3);
        const b = rand(4) === 0 ? rand(256) : alphabet[rand(alphabet.length)]!;
        if (op === 0) bytes[at] = b;
        else if (op === 1) bytes.splice(at, 0, b);
        else bytes.splice(at, 1);
      }
      const mutated = Uint8Array.from(bytes);
      const fast = fastMembers(mutated);
      if (fast === null) continue;
      accepted++;
      expect(fast, new TextDecoder().decode(mutated)).toEqual(slowMembers(mutated));
    }
    // Edits inside strings and other members keep many envelopes readable: the comparison ran.
    expect(accepted).toBeGreaterThan(1000);
  });
});

/** A batch in the export form: full bodies on even seqs, projections on odd ones. */
function batch(n: number, firstSeq: number, count: number, envelopeOf = (e: Record<string, unknown>) => e) {
  const lines: string[] = [];
  const leaves: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const seq = firstSeq + i;
    const body = canonicalJson({ decision_id: `d-${seq}`, note: "é" });
    const id = sha(body);
    const retained = seq % 2 === 0 ? "body" : "projection";
    const envelope = canonicalJson(
      envelopeOf({ log: ORIGIN, seq, id, digest: `sha256:${id}`, retained, chain: { ok: true } }),
    );
    leaves.push(hashLeaf(utf8(envelope)));
    lines.push(`{"envelope":${envelope},"event":${retained === "body" ? body : '{"p":1}'}}`);
  }
  const header = canonicalJson({
    log: ORIGIN,
    batch: n,
    first_seq: firstSeq,
    count,
    root: toHex(merkleRoot(leaves)),
    sealed_at: "2026-11-30T00:00:01Z",
  });
  return [header, ...lines];
}

const check = (lines: readonly string[]) =>
  checkBatch(utf8(lines.join("\n") + "\n"), { origin: ORIGIN, batch: 0, firstSeq: 0 }, hasher);
const failureOf = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AuditFailure);
  return e as AuditFailure;
};

describe("checkBatch still catches every tampering on the fast path", () => {
  it("passes the untouched batch", async () => {
    expect(await check(batch(0, 0, 9))).toMatchObject({ events: 9, bodiesChecked: 5, projections: 4 });
  });

  it("a changed envelope member it does not read: the batch root", async () => {
    const lines = batch(0, 0, 9);
    lines[3] = lines[3]!.replace('"chain":{"ok":true}', '"chain":{"ok":false}');
    expect((await failureOf(check(lines))).step).toBe("batch root");
  });

  it("a changed body, a body moved to another event and a projection passed off as a body", async () => {
    const changed = batch(0, 0, 9);
    changed[5] = changed[5]!.replace('"note":"é"', '"note":"e"');
    expect(await failureOf(check(changed))).toMatchObject({ step: "event body", where: { line: 6, seq: 4 } });
    const moved = batch(0, 0, 9);
    const bodyOf = (line: string) => line.slice(line.indexOf(',"event":'));
    moved[3] = moved[3]!.replace(bodyOf(moved[3]!), bodyOf(moved[1]!));
    expect(await failureOf(check(moved))).toMatchObject({ step: "event body", where: { line: 4, seq: 2 } });
    const claimed = batch(0, 0, 9);
    claimed[2] = claimed[2]!.replace('"retained":"projection"', '"retained":"body"');
    expect((await failureOf(check(claimed))).step).toMatch(/event body|batch root/);
  });

  it("a changed header root", async () => {
    const lines = batch(0, 0, 9);
    lines[0] = lines[0]!.replace(/"root":"[0-9a-f]{64}"/, `"root":"${"0".repeat(64)}"`);
    expect((await failureOf(check(lines))).step).toBe("batch root");
  });

  it("members it reads that disagree: digest, log, id, seq, a repeated seq and a nested event member", async () => {
    const cases: Array<[string, (e: Record<string, unknown>) => Record<string, unknown>, string, RegExp]> = [
      [
        "digest",
        (e) => (e.seq === 4 ? { ...e, digest: `sha256:${"a".repeat(64)}` } : e),
        "envelope",
        /digest does not match id/,
      ],
      ["log", (e) => (e.seq === 4 ? { ...e, log: "other/t/0" } : e), "envelope", /names another log/],
      [
        "id",
        (e) => (e.seq === 4 ? { ...e, id: "A".repeat(64), digest: `sha256:${"A".repeat(64)}` } : e),
        "envelope",
        /malformed id/,
      ],
      ["seq", (e) => (e.seq === 4 ? { ...e, seq: 3 } : e), "event order", /duplicate seq 3/],
    ];
    for (const [name, edit, step, message] of cases) {
      const e = await failureOf(check(batch(0, 0, 9, edit)));
      expect([e.step, e.where.line], name).toEqual([step, 6]);
      expect(e.summary, name).toMatch(message);
    }
    // Bytes no canonical envelope has, which only JSON.parse reads right.
    const repeated = batch(0, 0, 9);
    repeated[5] = repeated[5]!.replace('"seq":4', '"seq":4,"seq":7');
    expect(await failureOf(check(repeated))).toMatchObject({
      step: "event order",
      where: { line: 6, seq: 7 },
    });
    const nested = batch(0, 0, 9);
    nested[5] = nested[5]!.replace('"chain":{"ok":true}', '"chain":{"ok":true,"event":1}');
    expect(await failureOf(check(nested))).toMatchObject({ step: "event line", where: { line: 6 } });
    const notUtf8 = batch(0, 0, 9);
    const bytes = utf8(notUtf8.join("\n") + "\n");
    // A byte that is not UTF-8 inside the log value of line 6's envelope.
    const line6 = notUtf8.slice(0, 5).join("\n").length + 1;
    bytes[line6 + notUtf8[5]!.indexOf('"log":"') + 7] = 0xff;
    const e = await failureOf(checkBatch(bytes, { origin: ORIGIN, batch: 0, firstSeq: 0 }, hasher));
    expect([e.step, e.where.line]).toEqual(["event line", 6]);
  });
});

describe("hashing spans as they are read (sha256Into) and a batch's slices at once agree", () => {
  const { sha256Into: _, ...batchCalls } = nodeHasher();
  /** The outcome of a check as plain data: what it counted, or the failure it threw. */
  const outcome = (bytes: Uint8Array, h: typeof hasher) =>
    checkBatch(bytes, { origin: ORIGIN, batch: 0, firstSeq: 0 }, h).then(
      (c) => ({ ...c, headerLeaf: toHex(c.headerLeaf) }),
      (e: unknown) => (e instanceof AuditFailure ? e.toJSON() : String(e)),
    );

  it("on random byte edits of a whole batch: the same counts, or the same failure", async () => {
    const base = utf8(batch(0, 0, 9).join("\n") + "\n");
    const alphabet = utf8(' "\\{}[],:0123456789abcdef\n') as Uint8Array;
    let seed = 11;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const steps = new Set<string>();
    for (let round = 0; round < 400; round++) {
      const bytes = Array.from(base);
      for (let k = 1 + rand(2); k > 0; k--) {
        const at = rand(bytes.length);
        const b = rand(4) === 0 ? rand(256) : alphabet[rand(alphabet.length)]!;
        if (rand(2) === 0) bytes[at] = b;
        else bytes.splice(at, 1);
      }
      const mutated = Uint8Array.from(bytes);
      const spans = await outcome(mutated, hasher);
      expect(spans, new TextDecoder().decode(mutated)).toEqual(await outcome(mutated, batchCalls));
      steps.add(typeof spans === "object" && "step" in spans ? spans.step : "passed");
    }
    // The edits reached every kind of check, so the comparison covered each of them.
    for (const step of ["batch header", "event line", "event body", "batch root", "envelope"])
      expect(steps).toContain(step);
  });
});

describe("splitting a range export", () => {
  const text = (lines: string[][]) => lines.map((l) => l.join("\n") + "\n").join("");
  const decode = (parts: Uint8Array[]) => parts.map((p) => new TextDecoder().decode(p));

  it("cuts at each header by its count, every batch keeping its bytes", async () => {
    const batches = [batch(0, 0, 3), batch(1, 3, 1), batch(2, 4, 5)];
    const parts = splitRange(utf8(text(batches)), 3);
    expect(decode(parts)).toEqual(batches.map((b) => b.join("\n") + "\n"));
    for (const [n, part] of parts.entries())
      expect((await checkBatch(part, { origin: ORIGIN, batch: n }, hasher)).events).toBe(
        batches[n]!.length - 1,
      );
  });

  it("a header that lies about its count fails that batch; an unreadable one, the rest", async () => {
    const batches = [batch(0, 0, 3), batch(1, 3, 2)];
    const lying = batches.map((b) => b.slice());
    lying[0]![0] = lying[0]![0]!.replace('"count":3', '"count":2');
    const parts = splitRange(utf8(text(lying)), 2);
    expect(parts).toHaveLength(2);
    expect((await failureOf(checkBatch(parts[0]!, { origin: ORIGIN, batch: 0 }, hasher))).step).toBe(
      "batch root",
    );
    const broken = batches.map((b) => b.slice());
    broken[0]![0] = "not json";
    const rest = splitRange(utf8(text(broken)), 2);
    expect(decode(rest)).toEqual([text(broken)]);
    expect((await failureOf(checkBatch(rest[0]!, { origin: ORIGIN, batch: 0 }, hasher))).step).toBe(
      "batch header",
    );
    // Nothing sent is dropped: the last batch takes everything after it.
    expect(decode(splitRange(utf8(text(batches) + "extra\n"), 2))[1]).toMatch(/extra\n$/);
  });
});

describe("cutting a log into range requests", () => {
  it("ranges of 2, 4, 8, … batches, then the log split over the requests in flight, at most 64", () => {
    const sizes = (from: number, to: number, concurrency: number) =>
      rangeSpans(from, to, concurrency).map(([a, b]) => b - a);
    expect(sizes(0, 240, 8)).toEqual([2, 4, 8, 16, 30, 30, 30, 30, 30, 30, 30]);
    expect(sizes(0, 1000, 8)).toEqual([2, 4, 8, 16, 32, ...Array<number>(14).fill(64), 42]);
    expect(sizes(5, 17, 8)).toEqual([2, 2, 2, 2, 2, 2]);
    // One batch per range: the caller then asks batch by batch.
    expect(sizes(0, 3, 8)).toEqual([1, 1, 1]);
    for (const [from, to, c] of [
      [0, 240, 8],
      [7, 1000, 3],
      [0, 1, 8],
    ] as const) {
      const spans = rangeSpans(from, to, c);
      // Contiguous, in order, covering every batch once.
      expect(spans[0]![0]).toBe(from);
      expect(spans.at(-1)![1]).toBe(to);
      for (let k = 1; k < spans.length; k++) expect(spans[k]![0]).toBe(spans[k - 1]![1]);
    }
  });
});

describe("worker threads by default", () => {
  it("one per free core besides the main thread's (cores − 1 − load average, rounded), at most 3", () => {
    expect(defaultWorkers(2, 0.1)).toBe(1);
    expect(defaultWorkers(2, 1.2)).toBe(0);
    expect(defaultWorkers(2, 11)).toBe(0);
    expect(defaultWorkers(4, 0.6)).toBe(2);
    expect(defaultWorkers(16, 0)).toBe(3);
  });
});

// The core auditor (src/core/audit) on batches built here byte by byte: the hashers it is given
// (node:crypto for the CLI and the reliability suite, WebCrypto for the dashboard) agree with
// the core's RFC 9162 hashing, and bytes that are not the canonical text fail, naming the line.
import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import {
  AuditFailure,
  checkBatch,
  CompactRange,
  LogTreeAudit,
  rootInPlace,
  sliceEventLine,
  subtleHasher,
  type AuditHasher,
  type CheckedBatch,
} from "../../src/core/audit";
import { nodeHasher } from "../../src/cli/audit/node-hasher";
import { toHex, utf8 } from "../../src/core/bytes";
import { canonicalJson } from "../../src/core/canonical";
import { hashChildren, hashLeaf, merkleRoot } from "../../src/core/merkle";

const ORIGIN = "audit.test/t/0";
/** The node:crypto hasher without its `sha256Into`: checkBatch then asks for a batch's hashes at once. */
function batchCallsOnly(hasher: AuditHasher): AuditHasher {
  const { sha256Into: _, ...rest } = hasher;
  return rest;
}

const HASHERS: Array<[string, AuditHasher]> = [
  ["node:crypto", nodeHasher()],
  ["node:crypto, batch calls only", batchCallsOnly(nodeHasher())],
  ["WebCrypto", subtleHasher()],
];

const sha256Hex = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

interface Built {
  text: string;
  lines: string[];
  ids: string[];
}

/**
 * Batch `n` of `count` events from `firstSeq` in the export form: every third event keeps its
 * canonical body, the others a projection; the header's root is computed with the core.
 */
function buildBatch(n: number, firstSeq: number, count: number): Built {
  const lines: string[] = [];
  const ids: string[] = [];
  const leaves: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const seq = firstSeq + i;
    const body = canonicalJson({
      decision_context: { decision_id: `d-${seq}`, note: "é ✓ \u2028" },
      seq,
      pad: "x".repeat(seq % 50),
    });
    const id = sha256Hex(body);
    const retained = i % 3 === 0 ? "body" : "projection";
    const envelope = canonicalJson({
      log: ORIGIN,
      seq,
      id,
      digest: `sha256:${id}`,
      retained,
      tier: "full",
      producer: 'p,"event":x',
      received_at: "2026-11-30T00:00:00Z",
    });
    leaves.push(hashLeaf(utf8(envelope)));
    lines.push(`{"envelope":${envelope},"event":${retained === "body" ? body : '{"projection":true}'}}`);
    ids.push(id);
  }
  const header = canonicalJson({
    log: ORIGIN,
    batch: n,
    first_seq: firstSeq,
    count,
    root: toHex(merkleRoot(leaves)),
    sealed_at: "2026-11-30T00:00:01Z",
  });
  lines.unshift(header);
  return { text: lines.join("\n") + "\n", lines, ids };
}

async function failureOf(promise: Promise<unknown>): Promise<AuditFailure> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AuditFailure);
  return err as AuditFailure;
}

describe("audit hashers", () => {
  const inputs = ["", "{}", '{"log":"l","seq":1}', "é😀", "y".repeat(5000)].map(utf8);
  for (const [name, hasher] of HASHERS) {
    it(`${name}: leaves, digests and nodes are the core's RFC 9162 / FIPS 180-4 hashes`, async () => {
      expect((await hasher.hashLeaves(inputs)).map(toHex)).toEqual(inputs.map((d) => toHex(hashLeaf(d))));
      expect((await hasher.digests(inputs)).map(toHex)).toEqual(
        inputs.map((d) => createHash("sha256").update(d).digest("hex")),
      );
      const [a, b] = [hashLeaf(utf8("a")), hashLeaf(utf8("b"))];
      expect(toHex(hasher.hashChildren(a, b))).toBe(toHex(hashChildren(a, b)));
    });
  }

  it("sha256Into: SHA-256 of a span with an optional one-byte prefix, also into the bytes it reads", () => {
    const into = nodeHasher().sha256Into!;
    const bytes = utf8(`xx${"é😀{}".repeat(40)}yy`);
    const span = bytes.subarray(2, bytes.length - 2);
    const out = new Uint8Array(40);
    into(bytes, 2, bytes.length - 2, 0x00, out, 3);
    expect(toHex(out.subarray(3, 35))).toBe(toHex(hashLeaf(span)));
    into(bytes, 2, bytes.length - 2, -1, out, 8);
    expect(toHex(out.subarray(8, 40))).toBe(createHash("sha256").update(span).digest("hex"));
    const [a, b] = [hashLeaf(utf8("a")), hashLeaf(utf8("b"))];
    const pair = new Uint8Array(64);
    pair.set(a, 0);
    pair.set(b, 32);
    into(pair, 0, 64, 0x01, pair, 0);
    expect(toHex(pair.subarray(0, 32))).toBe(toHex(hashChildren(a, b)));
    // Inputs longer than the hasher's scratch buffer (4 KiB) grow it.
    const big = utf8("z".repeat(10_000));
    into(big, 0, big.length, 0x00, out, 0);
    expect(toHex(out.subarray(0, 32))).toBe(toHex(hashLeaf(big)));
  });

  it("rootInPlace is the RFC 9162 root of 1 to 70 leaves, as merkleRoot computes it", () => {
    const leaves = Array.from({ length: 70 }, (_, i) => hashLeaf(utf8(`leaf ${i}`)));
    for (let n = 1; n <= leaves.length; n++) {
      const hashes = new Uint8Array(32 * n);
      leaves.slice(0, n).forEach((leaf, j) => hashes.set(leaf, 32 * j));
      rootInPlace(hashes, n, nodeHasher().sha256Into!);
      expect(toHex(hashes.subarray(0, 32)), `size ${n}`).toBe(toHex(merkleRoot(leaves.slice(0, n))));
    }
  });

  it("CompactRange has the RFC 9162 root of every prefix, as merkleRoot computes it", () => {
    const leaves = Array.from({ length: 70 }, (_, i) => hashLeaf(utf8(`leaf ${i}`)));
    const range = new CompactRange(nodeHasher().hashChildren);
    expect(toHex(range.root())).toBe(toHex(merkleRoot([])));
    for (let n = 1; n <= leaves.length; n++) {
      range.append(leaves[n - 1]!);
      expect(range.size).toBe(n);
      expect(toHex(range.root()), `size ${n}`).toBe(toHex(merkleRoot(leaves.slice(0, n))));
    }
  });
});

describe("export line slices", () => {
  const slice = (line: string) => {
    const bytes = utf8(line);
    const s = sliceEventLine(bytes, 0, bytes.length);
    if (typeof s === "string") return s;
    const dec = new TextDecoder();
    return [
      dec.decode(bytes.subarray(s.envelopeStart, s.envelopeEnd)),
      dec.decode(bytes.subarray(s.eventStart, s.eventEnd)),
    ];
  };

  it('finds E and B, also when a string of E holds an escaped ,\\"event\\":', () => {
    expect(slice('{"envelope":{"a":1},"event":null}')).toEqual(['{"a":1}', "null"]);
    expect(slice(String.raw`{"envelope":{"p":"x\",\"event\":1"},"event":{"b":[1,{"event":2}]}}`)).toEqual([
      String.raw`{"p":"x\",\"event\":1"}`,
      '{"b":[1,{"event":2}]}',
    ]);
  });

  it("says why a line is not of the form", () => {
    expect(slice('{"event":null,"envelope":{"a":1}}')).toMatch(/does not start with/);
    expect(slice('{"envelope":{"a":1},"event":null} ')).toMatch(/does not end with/);
    expect(slice('{"envelope":{"a":1},"body":null}')).toMatch(/no ,"event": member/);
  });
});

describe.each(HASHERS)("checkBatch with %s", (_name, hasher) => {
  const check = (text: string, batch = 0) => checkBatch(utf8(text), { origin: ORIGIN, batch }, hasher);
  /** `built` with line `i` (0 = header) replaced. */
  const edit = (built: Built, i: number, line: string) => {
    const lines = built.lines.slice();
    lines[i] = line;
    return lines.join("\n") + "\n";
  };

  it("passes a batch as exported, counting what it could check", async () => {
    const built = buildBatch(0, 0, 10);
    const seen: Array<[number, string]> = [];
    const checked = await checkBatch(utf8(built.text), { origin: ORIGIN, batch: 0 }, hasher, (env, seq) =>
      seen.push([seq, env.id]),
    );
    expect([checked.events, checked.bodiesChecked, checked.projections]).toEqual([10, 4, 6]);
    expect(toHex(checked.headerLeaf)).toBe(toHex(hashLeaf(utf8(built.lines[0]!))));
    expect(seen).toEqual(built.ids.map((id, seq) => [seq, id]));
  });

  it("a body that is not its canonical text fails its digest, naming batch, line, seq and id", async () => {
    const built = buildBatch(0, 0, 10);
    const line = built.lines[4]!; // seq 3: a body
    const spaced = line.replace('"decision_context":{', '"decision_context": {');
    expect(spaced).not.toBe(line);
    const e = await failureOf(check(edit(built, 4, spaced)));
    expect([e.step, e.where]).toEqual(["event body", { batch: 0, line: 5, seq: 3, id: built.ids[3] }]);
    expect(e.expected).toBe(built.ids[3]);
  });

  it("an envelope that is not its canonical text fails the root, naming batch, line, seq and id", async () => {
    const built = buildBatch(0, 0, 10);
    const line = built.lines[7]!; // seq 6
    const reordered = line.replace(
      /^\{"envelope":\{"digest":("[^"]*"),"id":("[^"]*"),/,
      '{"envelope":{"id":$2,"digest":$1,',
    );
    expect(reordered).not.toBe(line);
    const e = await failureOf(check(edit(built, 7, reordered)));
    expect([e.step, e.where]).toEqual(["batch root", { batch: 0, line: 8, seq: 6, id: built.ids[6] }]);
    expect(e.summary).toMatch(/line 8 \(seq 6\) is not its RFC 8785 canonical text/);
  });

  it("a line not in the export form, a wrong header and a short batch", async () => {
    const built = buildBatch(0, 0, 10);
    const swapped = JSON.parse(built.lines[3]!) as { envelope: unknown; event: unknown };
    const e = await failureOf(
      check(edit(built, 3, JSON.stringify({ event: swapped.event, envelope: swapped.envelope }))),
    );
    expect([e.step, e.where]).toEqual(["event line", { batch: 0, line: 4 }]);
    expect((await failureOf(check(built.text, 1))).step).toBe("batch header");
    const gap = await failureOf(
      checkBatch(utf8(built.text), { origin: ORIGIN, batch: 0, firstSeq: 1 }, hasher),
    );
    expect([gap.step, gap.expected, gap.found]).toEqual(["batch continuity", "first_seq 1", "first_seq 0"]);
    const short = await failureOf(check(built.lines.slice(0, -1).join("\n")));
    expect([short.step, short.summary]).toEqual([
      "batch count",
      "batch 0 holds 9 event lines but its header counts 10 (missing: seq 9..9)",
    ]);
  });

  it("the earliest disagreement wins: a bad body before a reordered line", async () => {
    const built = buildBatch(0, 0, 10);
    const lines = built.lines.slice();
    lines[1] = lines[1]!.replace('"pad":""', '"pad":"!"');
    [lines[5], lines[6]] = [lines[6]!, lines[5]!];
    const e = await failureOf(check(lines.join("\n")));
    expect([e.step, e.where.line]).toEqual(["event body", 2]);
  });
});

describe("LogTreeAudit", () => {
  const hasher = nodeHasher();
  const checked = async (n: number, firstSeq: number, count: number): Promise<CheckedBatch> =>
    checkBatch(utf8(buildBatch(n, firstSeq, count).text), { origin: ORIGIN, batch: n }, hasher);

  it("recomputes the log root over the headers and keeps the root at a previous size", async () => {
    const batches = [await checked(0, 0, 3), await checked(1, 3, 5), await checked(2, 8, 1)];
    const tree = new LogTreeAudit(hasher, 3, 2);
    for (const b of batches) tree.add(b);
    const { root, snapshotRoot } = tree.finish();
    expect(toHex(root)).toBe(toHex(merkleRoot(batches.map((b) => b.headerLeaf))));
    expect(toHex(snapshotRoot!)).toBe(toHex(merkleRoot(batches.slice(0, 2).map((b) => b.headerLeaf))));
    expect(tree.totals).toMatchObject({ batches: 3, events: 9 });
  });

  it("refuses a gap in seq between batches, an extra batch and a missing one", async () => {
    const gap = new LogTreeAudit(hasher, 2);
    gap.add(await checked(0, 0, 3));
    const e = await failureOf(Promise.resolve().then(async () => gap.add(await checked(1, 4, 2))));
    expect([e.step, e.where, e.expected]).toEqual(["batch continuity", { batch: 1 }, "first_seq 3"]);
    const extra = new LogTreeAudit(hasher, 1);
    extra.add(await checked(0, 0, 3));
    expect(
      (await failureOf(Promise.resolve().then(async () => extra.add(await checked(1, 3, 2))))).step,
    ).toBe("batch count");
    const missing = new LogTreeAudit(hasher, 2);
    missing.add(await checked(0, 0, 3));
    expect((await failureOf(Promise.resolve().then(() => missing.finish()))).summary).toBe(
      "the log served 1 batches, its checkpoint commits to 2",
    );
  });
});

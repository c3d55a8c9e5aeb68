// `edgelog send` refuses events that JSON cannot carry exactly (I-JSON, RFC 7493) before sending,
// with the server's messages; the rest is sent. Against a recording HTTP server (no wrangler).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseItems } from "../../src/cli/send/items";
import { findIJsonViolations } from "../../src/core/ijson";
import { runCli } from "./support/cli";

const BIG =
  'number 9007199254740993 has more precision than an IEEE 754 double holds and would be stored as 9007199254740992 (I-JSON, RFC 7493 §2.2); send it as a string ("9007199254740993") to keep every digit';
const DUP =
  'member name "x" occurs more than once in this object (I-JSON, RFC 7493 §2.3); send each name once';

describe("send input: I-JSON before sending", () => {
  it("flags NDJSON lines (CRLF, no final newline, BOM) and leaves non-JSON lines to the server", () => {
    const text = '\ufeff{"a":1}\r\n{"p":{"big":9007199254740993}}\r\nnot json\r\n{"x":1,"x":2}';
    const items = parseItems(text, "ndjson", "x");
    expect(items.map((i) => [i.index, i.line, i.text, i.errors ?? null])).toEqual([
      [0, 1, '{"a":1}', null],
      [1, 2, '{"p":{"big":9007199254740993}}', [{ path: "/p/big", message: BIG }]],
      [2, 3, "not json", null],
      [3, 4, '{"x":1,"x":2}', [{ path: "/x", message: DUP }]],
    ]);
  });

  it("flags elements of a JSON document before re-serializing them (which would change them)", () => {
    const items = parseItems('\ufeff[{"a":1},{"p":{"big":9007199254740993}},{"x":1,"x":2}]', "json", "x");
    expect(items.map((i) => i.errors ?? null)).toEqual([
      null,
      [{ path: "/p/big", message: BIG }],
      [{ path: "/x", message: DUP }],
    ]);
    expect(parseItems('{"n":1e400}', "json", "x")[0]!.errors![0]!.path).toBe("/n");
  });

  it("uses the server's scanner and wording", () => {
    const server = findIJsonViolations('{"p":{"big":9007199254740993}}', { arrayOfItems: false });
    expect(server.map((v) => v.message)).toEqual([BIG]);
  });
});

describe("edgelog send against a recording server", () => {
  let server: Server;
  let url: string;
  const received: string[] = [];
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "edgelog-send-ijson-"));
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const lines = Buffer.concat(chunks).toString("utf8").trim().split("\n");
        received.push(...lines);
        const results = lines.map((_, index) => ({
          index,
          status: "accepted",
          id: index.toString(16).padStart(64, "0"),
          log: "l",
          seq: index,
          tier: "full",
          errors: [],
        }));
        res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ accepted: lines.length, duplicates: 0, rejected: 0, results }));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it("sends the exact events, reports the others as rejected with pointer and message, exits 1", async () => {
    const path = join(dir, "events.ndjson");
    writeFileSync(path, '{"a":1}\n{"p":{"big":9007199254740993}}\n{"b":2}\n{"x":1,"x":2}\n');
    const r = await runCli(["send", path, "--url", url, "--key", "k", "--json"]);
    expect(r.code, r.stderr).toBe(1);
    expect(received).toEqual(['{"a":1}', '{"b":2}']);
    const out = JSON.parse(r.stdout) as {
      accepted: number;
      rejected: number;
      results: Array<{ index: number; line?: number; status: string; errors?: unknown }>;
    };
    expect(out.accepted).toBe(2);
    expect(out.rejected).toBe(2);
    expect(out.results.map((x) => [x.index, x.line, x.status])).toEqual([
      [0, 1, "accepted"],
      [1, 2, "rejected"],
      [2, 3, "accepted"],
      [3, 4, "rejected"],
    ]);
    expect(out.results[1]!.errors).toEqual([{ path: "/p/big", message: BIG }]);
    const human = await runCli(["send", path, "--url", url, "--key", "k"]);
    expect(human.stdout).toContain(`#1 (line 2) /p/big: ${BIG}`);
    expect(human.stdout).toContain("2 of the rejected events were refused before sending");
  });
});

/**
 * Every standard body form is accepted (README, Limits): multi-member gzip (RFC 1952 §2.2), NDJSON
 * with CRLF line ends and a last line without a newline, a UTF-8 byte-order mark (RFC 8259 §8.1),
 * and `charset=utf-8` on the media type; gzip bodies that are not a series of members are 400.
 */
import { describe, expect, it } from "vitest";
import { call, gzip, newTenant, type IngestResponse } from "../support/api";
import { makeEvent, makeEvents } from "../support/events";
import { canonicalJson } from "../../src/core/canonical";
import { sha256Hex } from "../../src/core/digest";
import { utf8 } from "../../src/core/bytes";

const NDJSON = { "content-type": "application/x-ndjson" };
const JSON_TYPE = { "content-type": "application/json" };

async function post(key: string, body: BodyInit, headers: Record<string, string>) {
  const res = await call("POST", "/v1/events", { token: key, body, headers });
  return {
    status: res.status,
    body: (await res.json()) as IngestResponse & { error?: { code: string; message: string } },
  };
}

function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

const idOf = (e: unknown) => sha256Hex(utf8(canonicalJson(e)));

describe("multi-member gzip", () => {
  it("accepts a body of several gzip members and reads all of them", async () => {
    const t = await newTenant();
    const events = makeEvents(5);
    const lines = events.map((e) => JSON.stringify(e) + "\n");
    // Members split mid-event too: the members' concatenated output is the body.
    const whole = lines.join("");
    const third = lines[0]!.length + lines[1]!.length + lines[2]!.length;
    const cut = third + Math.floor(lines[3]!.length / 2);
    const members = [
      await gzip(lines[0]!),
      await gzip(lines[1]! + lines[2]!),
      await gzip(whole.slice(third, cut)),
      await gzip(whole.slice(cut)),
    ];
    const { status, body } = await post(t.key, cat(...members), { ...NDJSON, "content-encoding": "gzip" });
    expect(status).toBe(200);
    expect(body.accepted).toBe(5);
    expect(body.results.map((r) => r.id)).toEqual(await Promise.all(events.map(idOf)));
  });

  it("accepts the same member twice (cat a.gz a.gz) as two copies", async () => {
    const t = await newTenant();
    const e = makeEvent();
    const member = await gzip(JSON.stringify(e) + "\n");
    const { status, body } = await post(t.key, cat(member, member), {
      ...NDJSON,
      "content-encoding": "gzip",
    });
    expect(status).toBe(200);
    expect(body.results.map((r) => r.status)).toEqual(["accepted", "duplicate"]);
  });

  it("refuses trailing bytes after the last member with 400", async () => {
    const t = await newTenant();
    const member = await gzip(JSON.stringify(makeEvent()));
    for (const tail of [new Uint8Array([0]), new Uint8Array([1, 2, 3, 4]), new Uint8Array(40).fill(7)]) {
      const { status, body } = await post(t.key, cat(member, tail), {
        ...JSON_TYPE,
        "content-encoding": "gzip",
      });
      expect(status).toBe(400);
      expect(body.error!.code).toBe("invalid_gzip");
      expect(body.error!.message).toMatch(/trailing bytes|not another gzip member/);
    }
  });

  it("refuses a truncated second member and a member with a wrong CRC32 with 400", async () => {
    const t = await newTenant();
    const a = await gzip(JSON.stringify(makeEvent()) + "\n");
    const b = await gzip(JSON.stringify(makeEvent({ decisionId: "other" })) + "\n");
    const truncated = await post(t.key, cat(a, b.subarray(0, b.length - 5)), {
      ...NDJSON,
      "content-encoding": "gzip",
    });
    expect(truncated.status).toBe(400);
    expect(truncated.body.error!.code).toBe("invalid_gzip");
    const badCrc = cat(a, b);
    badCrc[badCrc.length - 8] = badCrc[badCrc.length - 8]! ^ 0xff; // RFC 1952 §2.3.1: CRC32 is the trailer's first 4 bytes
    const crc = await post(t.key, badCrc, { ...NDJSON, "content-encoding": "gzip" });
    expect(crc.status).toBe(400);
    expect(crc.body.error!.code).toBe("invalid_gzip");
  });

  it("bounds the sum of all members by the decompressed limit (413)", async () => {
    const t = await newTenant();
    // Each member inflates to 5 MiB: one is under the 8 MiB limit, two are over it.
    const member = await gzip(new Uint8Array(5 * 1024 * 1024).fill(0x20));
    const { status, body } = await post(t.key, cat(member, member), {
      ...JSON_TYPE,
      "content-encoding": "gzip",
    });
    expect(status).toBe(413);
    expect(body.error!.code).toBe("payload_too_large");
  });
});

describe("text forms", () => {
  it("accepts NDJSON with CRLF line ends and a last line without a newline", async () => {
    const t = await newTenant();
    const events = makeEvents(3);
    const text = events.map((e) => JSON.stringify(e)).join("\r\n");
    const { status, body } = await post(t.key, text, NDJSON);
    expect(status).toBe(200);
    expect(body.results.map((r) => r.id)).toEqual(await Promise.all(events.map(idOf)));
  });

  it("ignores a UTF-8 byte-order mark at the start of a JSON or NDJSON body (RFC 8259 §8.1)", async () => {
    const t = await newTenant();
    const bom = new Uint8Array([0xef, 0xbb, 0xbf]);
    const e = makeEvent();
    const one = await post(t.key, cat(bom, utf8(JSON.stringify(e))), JSON_TYPE);
    expect(one.status).toBe(200);
    expect(one.body.results[0]!.id).toBe(await idOf(e));
    const lines = makeEvents(2);
    const nd = await post(t.key, cat(bom, utf8(lines.map((x) => JSON.stringify(x)).join("\n"))), NDJSON);
    expect(nd.status).toBe(200);
    expect(nd.body.results.map((r) => r.id)).toEqual(await Promise.all(lines.map(idOf)));
  });

  it("accepts application/json; charset=utf-8 and refuses another charset with 415", async () => {
    const t = await newTenant();
    const ok = await post(t.key, JSON.stringify(makeEvent()), {
      "content-type": "application/json; charset=utf-8",
    });
    expect(ok.status).toBe(200);
    const nd = await post(t.key, JSON.stringify(makeEvent()), {
      "content-type": "application/x-ndjson;charset=UTF-8",
    });
    expect(nd.status).toBe(200);
    const other = await post(t.key, JSON.stringify(makeEvent()), {
      "content-type": "application/json; charset=iso-8859-1",
    });
    expect(other.status).toBe(415);
    expect(other.body.error!.code).toBe("unsupported_media_type");
  });
});

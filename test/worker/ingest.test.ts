import { describe, expect, it } from "vitest";
import { call, DECLARED_TIERS, gzip, ingest, newTenant } from "../support/api";
import { makeEvent, makeEvents, ndjson } from "../support/events";
import { canonicalJson } from "../../src/core/canonical";
import { sha256Hex } from "../../src/core/digest";
import { utf8 } from "../../src/core/bytes";

describe("POST /v1/events", () => {
  it("accepts one event and derives its id from the RFC 8785 canonical form", async () => {
    const t = await newTenant(undefined, { policy: DECLARED_TIERS });
    const event = makeEvent();
    const { status, body } = await ingest(t.key, event);
    expect(status).toBe(200);
    expect(body).toMatchObject({ accepted: 1, duplicates: 0, rejected: 0 });
    const r = body.results[0]!;
    expect(r.status).toBe("accepted");
    expect(r.id).toBe(await sha256Hex(utf8(canonicalJson(event))));
    expect(r.seq).toBe(0);
    expect(r.log).toBe(`edgelog.localhost/${t.id}/0`);
    expect(r.tier).toBe("lightweight");
    expect(r.errors).toEqual([]);
  });

  it("accepts a JSON array and answers per item in order", async () => {
    const t = await newTenant();
    const { status, body } = await ingest(t.key, makeEvents(5));
    expect(status).toBe(200);
    expect(body.accepted).toBe(5);
    expect(body.results.map((r) => r.index)).toEqual([0, 1, 2, 3, 4]);
    expect(body.results.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4]);
  });

  it("accepts NDJSON and rejects only the bad lines (207)", async () => {
    const t = await newTenant();
    const text = `${JSON.stringify(makeEvent())}\n{not json\n\n${JSON.stringify(makeEvent())}\n`;
    const res = await call("POST", "/v1/events", {
      token: t.key,
      body: text,
      headers: { "content-type": "application/x-ndjson" },
    });
    expect(res.status).toBe(207);
    const body = (await res.json()) as {
      accepted: number;
      rejected: number;
      results: Array<{ status: string; errors: Array<{ message: string }> }>;
    };
    expect(body.accepted).toBe(2);
    expect(body.rejected).toBe(1);
    expect(body.results[1]!.status).toBe("rejected");
    expect(body.results[1]!.errors[0]!.message).toMatch(/line 2 is not valid JSON/);
  });

  it("answers 422 with JSON-pointer errors when nothing is accepted", async () => {
    const t = await newTenant();
    const bad = makeEvent() as {
      decision_context: Record<string, unknown>;
      temporal_metadata: Record<string, unknown>;
    };
    delete bad.decision_context.decision_id;
    bad.temporal_metadata.evidence_tier = "everything";
    const { status, body } = await ingest(t.key, [bad]);
    expect(status).toBe(422);
    expect(body.rejected).toBe(1);
    const paths = body.results[0]!.errors.map((e) => e.path);
    expect(paths).toContain("/decision_context/decision_id");
    expect(paths).toContain("/temporal_metadata/evidence_tier");
    expect(body.results[0]!.id).toBeNull();
  });

  it("rejects an unknown schema_version listing the supported ones", async () => {
    const t = await newTenant();
    const { status, body } = await ingest(t.key, { ...makeEvent(), schema_version: "9.9.9" });
    expect(status).toBe(422);
    const err = body.results[0]!.errors[0]!;
    expect(err.path).toBe("/schema_version");
    expect(err.message).toContain("0.3.0");
  });

  it("accepts gzip bodies", async () => {
    const t = await newTenant();
    const res = await call("POST", "/v1/events", {
      token: t.key,
      body: await gzip(ndjson(makeEvents(3))),
      headers: { "content-type": "application/x-ndjson", "content-encoding": "gzip" },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { accepted: number }).accepted).toBe(3);
  });

  it.each([
    ["unparseable JSON", '{"schema_version": ', "application/json", 400, "invalid_json"],
    ["a JSON string", '"hello"', "application/json", 400, "invalid_body"],
    ["an empty array", "[]", "application/json", 400, "empty_batch"],
    ["an empty body", "", "application/json", 400, "empty_body"],
    ["text/plain", "{}", "text/plain", 415, "unsupported_media_type"],
  ])("answers %s with a clear error", async (_name, body, type, status, code) => {
    const t = await newTenant();
    const res = await call("POST", "/v1/events", { token: t.key, body, headers: { "content-type": type } });
    expect(res.status).toBe(status);
    const json = (await res.json()) as { error: { code: string; message: string } };
    expect(json.error.code).toBe(code);
    expect(json.error.message.length).toBeGreaterThan(10);
  });

  it("answers 400 to invalid UTF-8", async () => {
    const t = await newTenant();
    const bytes = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]);
    const res = await call("POST", "/v1/events", {
      token: t.key,
      body: bytes,
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_utf8");
  });

  it("answers 400 to a body that is not gzip but says it is", async () => {
    const t = await newTenant();
    const res = await call("POST", "/v1/events", {
      token: t.key,
      body: "definitely not gzip",
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_gzip");
  });

  it("answers 415 to an unsupported Content-Encoding", async () => {
    const t = await newTenant();
    const res = await call("POST", "/v1/events", {
      token: t.key,
      body: "{}",
      headers: { "content-type": "application/json", "content-encoding": "br" },
    });
    expect(res.status).toBe(415);
  });
});

describe("limits", () => {
  it("stops a gzip bomb at the decompressed limit (413)", async () => {
    const t = await newTenant();
    // 16 MiB of spaces compresses to a few KiB: far under the 1 MiB body limit.
    const bomb = await gzip(new Uint8Array(16 * 1024 * 1024).fill(0x20));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const res = await call("POST", "/v1/events", {
      token: t.key,
      body: bomb,
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /decompressed body exceeds the limit of 8388608/,
    );
  });

  it("refuses a body over 1 MiB (413)", async () => {
    const t = await newTenant();
    const big = JSON.stringify([makeEvent({ extra: { pad: "x".repeat(1024 * 1024) } })]);
    const res = await call("POST", "/v1/events", {
      token: t.key,
      body: big,
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(413);
  });

  it("refuses more than 1000 events in a request (413)", async () => {
    const t = await newTenant();
    const events = Array.from({ length: 1001 }, () => ({ schema_version: "0.3.0" }));
    const res = await call("POST", "/v1/events", { token: t.key, json: events });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string; message: string } }).error.message).toMatch(
      /1001 events; the limit is 1000/,
    );
  });

  it("rejects an event over 64 KiB as an item, keeping the others", async () => {
    const t = await newTenant();
    const { status, body } = await ingest(t.key, [
      makeEvent(),
      makeEvent({ extra: { pad: "y".repeat(70 * 1024) } }),
    ]);
    expect(status).toBe(207);
    expect(body.results[1]!.status).toBe("rejected");
    expect(body.results[1]!.errors[0]!.message).toMatch(/the limit is 65536/);
  });
});

describe("duplicates and conflicts", () => {
  it("answers a resubmitted event as duplicate with the original id and seq, stored once", async () => {
    const t = await newTenant();
    const event = makeEvent();
    const first = await ingest(t.key, [event]);
    const again = await ingest(t.key, [makeEvent(), event, event]);
    expect(again.status).toBe(200);
    expect(again.body.results[1]).toMatchObject({
      status: "duplicate",
      id: first.body.results[0]!.id,
      seq: 0,
    });
    expect(again.body.results[2]).toMatchObject({
      status: "duplicate",
      id: first.body.results[0]!.id,
      seq: 0,
    });
    expect(again.body.duplicates).toBe(2);
    const logs = (await (await call("GET", "/v1/logs", { token: t.key })).json()) as Array<{
      events: number;
    }>;
    expect(logs[0]!.events).toBe(2);
  });

  it("stores and flags an event that reuses a decision's sequence_number with other content", async () => {
    const t = await newTenant();
    await ingest(t.key, [makeEvent({ decisionId: "loan-77", sequenceNumber: 3, output: "approve" })]);
    const { status, body } = await ingest(t.key, [
      makeEvent({ decisionId: "loan-77", sequenceNumber: 3, output: "deny" }),
    ]);
    expect(status).toBe(200);
    expect(body.conflicts).toBe(1);
    expect(body.results[0]).toMatchObject({ status: "accepted", conflict: true, seq: 1 });
    const got = (await (await call("GET", `/v1/events/${body.results[0]!.id}`, { token: t.key })).json()) as {
      envelope: { conflict?: boolean };
      event: { decision_logic: { output: string } };
    };
    expect(got.envelope.conflict).toBe(true);
    expect(got.event.decision_logic.output).toBe("deny");
  });
});

describe("nesting", () => {
  it("refuses bodies nesting deeper than 64 levels before parsing them (400), and rejects such NDJSON lines", async () => {
    const t = await newTenant();
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    const res = await call("POST", "/v1/events", {
      token: t.key,
      body: deep,
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("too_deep");
    // 64 levels inside an event are fine as far as nesting goes (the event is still validated).
    const ok = makeEvent({ extra: { ext: JSON.parse("[".repeat(60) + "]".repeat(60)) as unknown } });
    expect((await ingest(t.key, [ok])).status).toBe(200);
    const text = `${JSON.stringify(makeEvent())}\n${'{"a":'.repeat(70)}1${"}".repeat(70)}\n`;
    const nd = await call("POST", "/v1/events", {
      token: t.key,
      body: text,
      headers: { "content-type": "application/x-ndjson" },
    });
    expect(nd.status).toBe(207);
    const body = (await nd.json()) as { results: Array<{ errors: Array<{ message: string }> }> };
    expect(body.results[1]!.errors[0]!.message).toMatch(/deeper than 64/);
  });
});

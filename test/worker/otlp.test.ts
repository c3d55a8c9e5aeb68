import { describe, expect, it } from "vitest";
import { BinaryReader } from "@bufbuild/protobuf/wire";
import { canonicalJson } from "../../src/core/canonical";
import { sha256Hex } from "../../src/core/digest";
import { utf8 } from "../../src/core/bytes";
import { ApiError } from "../../src/worker/api-error";
import { otlpErrorResponse } from "../../src/worker/routes/otlp";
import { call, gzip, newTenant } from "../support/api";
import { makeEvent } from "../support/events";
import { logsJson, logsProtobuf, stringBody, structuredBody, type TestResource } from "../support/otlp";

const PATH = "/v1/otlp/v1/logs";
const idOf = (event: unknown) => sha256Hex(utf8(canonicalJson(event)));

async function envelopeOf(key: string, event: unknown): Promise<{ producer: string; seq: number }> {
  const res = await call("GET", `/v1/events/${await idOf(event)}`, { token: key });
  expect(res.status, `event ${await idOf(event)}`).toBe(200);
  const body = (await res.json()) as { envelope: { producer: string; seq: number }; event: unknown };
  expect(body.event).toEqual(event);
  return body.envelope;
}

/** Reads an ExportLogsServiceResponse: partial_success (1) { rejected_log_records (1), error_message (2) }. */
function readResponse(bytes: Uint8Array): { rejected: number; message: string } | null {
  const r = new BinaryReader(bytes);
  let out: { rejected: number; message: string } | null = null;
  while (r.pos < r.len) {
    const [no, type] = r.tag();
    if (no !== 1) {
      r.skip(type);
      continue;
    }
    const p = new BinaryReader(r.bytes());
    out = { rejected: 0, message: "" };
    while (p.pos < p.len) {
      const [pno, ptype] = p.tag();
      if (pno === 1) out.rejected = Number(p.int64());
      else if (pno === 2) out.message = p.string();
      else p.skip(ptype);
    }
  }
  return out;
}

function readStatus(bytes: Uint8Array): { code: number; message: string } {
  const r = new BinaryReader(bytes);
  const out = { code: 0, message: "" };
  while (r.pos < r.len) {
    const [no, type] = r.tag();
    if (no === 1) out.code = r.int32();
    else if (no === 2) out.message = r.string();
    else r.skip(type);
  }
  return out;
}

describe("POST /v1/otlp/v1/logs (OTLP/HTTP logs)", () => {
  it("JSON: string and kvlist bodies are ingested, the producer is service.name/service.instance.id, a non-DES record is rejected alone", async () => {
    const t = await newTenant();
    const asText = makeEvent();
    const asKvlist = makeEvent({
      tier: "full",
      extra: {
        decision_logic: {
          logic_type: "rule_based",
          output: { limit: 2500, approved: true, ratio: 0.25, notes: null, tags: ["a", "b"] },
        },
      },
    });
    const request: TestResource[] = [
      {
        attributes: { "service.name": "checkout", "service.instance.id": "pod-7" },
        records: [
          { body: stringBody(JSON.stringify(asText)) },
          { body: structuredBody(asKvlist) },
          { body: stringBody("user logged in") },
          { body: null },
        ],
      },
    ];
    const res = await call("POST", PATH, { token: t.key, json: logsJson(request) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    const body = (await res.json()) as {
      partialSuccess: { rejectedLogRecords: number; errorMessage: string };
    };
    expect(body.partialSuccess.rejectedLogRecords).toBe(2);
    expect(body.partialSuccess.errorMessage).toMatch(/^2 of 4 log records rejected \(not DES events\): /);
    expect(body.partialSuccess.errorMessage).toContain(
      "resourceLogs[0].scopeLogs[0].logRecords[2]: body is a string but not a DES event's JSON text",
    );
    expect(body.partialSuccess.errorMessage).toContain(
      "resourceLogs[0].scopeLogs[0].logRecords[3]: log record has no body",
    );
    expect((await envelopeOf(t.key, asText)).producer).toBe("checkout/pod-7");
    expect((await envelopeOf(t.key, asKvlist)).producer).toBe("checkout/pod-7");
  });

  it("protobuf, gzip: a fully accepted request gets an empty ExportLogsServiceResponse; X-Edgelog-Producer wins over the resource", async () => {
    const t = await newTenant();
    const events = [makeEvent(), makeEvent(), makeEvent({ tier: "full" })];
    const request: TestResource[] = [
      {
        attributes: { "service.name": "pricing" },
        records: [{ body: structuredBody(events[0]) }, { body: stringBody(JSON.stringify(events[1])) }],
      },
      { attributes: {}, records: [{ body: structuredBody(events[2]) }] },
    ];
    const res = await call("POST", PATH, {
      token: t.key,
      body: await gzip(logsProtobuf(request)),
      headers: { "content-type": "application/x-protobuf", "content-encoding": "gzip" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-protobuf");
    expect(readResponse(new Uint8Array(await res.arrayBuffer()))).toBeNull();
    expect((await envelopeOf(t.key, events[0])).producer).toBe("pricing");
    // A resource without service.name falls back to the ingest key, as POST /v1/events does.
    expect((await envelopeOf(t.key, events[2])).producer).toBe(`key:${t.keyId}`);

    const again = [makeEvent()];
    const res2 = await call("POST", PATH, {
      token: t.key,
      body: logsProtobuf([
        { attributes: { "service.name": "pricing" }, records: [{ body: structuredBody(again[0]) }] },
      ]),
      headers: { "content-type": "application/x-protobuf", "x-edgelog-producer": "edge-fleet-1" },
    });
    expect(res2.status).toBe(200);
    expect((await envelopeOf(t.key, again[0])).producer).toBe("edge-fleet-1");
  });

  it("protobuf: invalid DES events are counted in partial_success with the first problems named", async () => {
    const t = await newTenant();
    const bad = makeEvent();
    delete (bad as { decision_context?: unknown }).decision_context;
    const res = await call("POST", PATH, {
      token: t.key,
      body: logsProtobuf([
        {
          attributes: { "service.name": "svc" },
          records: [
            { body: structuredBody(makeEvent()) },
            { body: structuredBody(bad) },
            { body: { kind: "int", value: "5" } },
          ],
        },
      ]),
      headers: { "content-type": "application/x-protobuf" },
    });
    expect(res.status).toBe(200);
    const partial = readResponse(new Uint8Array(await res.arrayBuffer()));
    expect(partial?.rejected).toBe(2);
    expect(partial?.message).toContain("logRecords[1]: ");
    expect(partial?.message).toContain("decision_context");
    expect(partial?.message).toContain(
      "logRecords[2]: body is a int value; a DES event is sent as its JSON text (string) or as a kvlist",
    );
  });

  it("answers 400 with a google.rpc.Status for undecodable bodies, 415, 413 and 401 as OTLP clients expect", async () => {
    const t = await newTenant();
    const garbage = await call("POST", PATH, {
      token: t.key,
      body: new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]),
      headers: { "content-type": "application/x-protobuf" },
    });
    expect(garbage.status).toBe(400);
    expect(garbage.headers.get("content-type")).toBe("application/x-protobuf");
    const status = readStatus(new Uint8Array(await garbage.arrayBuffer()));
    expect(status.code).toBe(3); // INVALID_ARGUMENT
    expect(status.message).toMatch(/not an OTLP ExportLogsServiceRequest \(protobuf\)/);

    const badJson = await call("POST", PATH, {
      token: t.key,
      body: '{"resourceLogs": [',
      headers: { "content-type": "application/json" },
    });
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { code: number; error: { code: string } }).error.code).toBe(
      "invalid_json",
    );
    const wrongShape = await call("POST", PATH, {
      token: t.key,
      json: { resourceLogs: [{ scopeLogs: { logRecords: [] } }] },
    });
    expect(wrongShape.status).toBe(400);
    expect(((await wrongShape.json()) as { message: string }).message).toContain(
      "resourceLogs[0].scopeLogs: expected an array, found object",
    );

    const type = await call("POST", PATH, {
      token: t.key,
      body: "x",
      headers: { "content-type": "text/plain" },
    });
    expect(type.status).toBe(415);
    const many = logsJson([
      { attributes: {}, records: Array.from({ length: 1001 }, () => ({ body: stringBody("{}") })) },
    ]);
    const tooMany = await call("POST", PATH, { token: t.key, json: many });
    expect(tooMany.status).toBe(413);
    expect(((await tooMany.json()) as { message: string }).message).toContain(
      "the limit is 1000 per request",
    );
    const noKey = await call("POST", PATH, {
      body: logsProtobuf([]),
      headers: { "content-type": "application/x-protobuf" },
    });
    expect(noKey.status).toBe(401);
    expect(readStatus(new Uint8Array(await noKey.arrayBuffer())).code).toBe(16);
    const readOnly = await newTenant(["read"]);
    const noScope = await call("POST", PATH, { token: readOnly.key, json: logsJson([]) });
    expect(noScope.status).toBe(403);
  });

  it("keeps 429/503 and Retry-After on errors, in the request's encoding", async () => {
    const err = new ApiError(429, "shard_backlogged", "a log is behind", [], { "retry-after": "3" });
    const proto = otlpErrorResponse(
      new Request("http://x/", { method: "POST", headers: { "content-type": "application/x-protobuf" } }),
      err,
    );
    expect(proto.status).toBe(429);
    expect(proto.headers.get("retry-after")).toBe("3");
    expect(readStatus(new Uint8Array(await proto.arrayBuffer()))).toEqual({
      code: 8,
      message: "a log is behind",
    });
    const json = otlpErrorResponse(
      new Request("http://x/", { method: "POST", headers: { "content-type": "application/json" } }),
      new ApiError(503, "shard_unavailable", "unreachable", [], { "retry-after": "1" }),
    );
    expect(json.status).toBe(503);
    expect(json.headers.get("retry-after")).toBe("1");
    expect(await json.json()).toMatchObject({ code: 14, message: "unreachable" });
  });

  it("an empty request is a success", async () => {
    const t = await newTenant();
    const res = await call("POST", PATH, { token: t.key, json: {} });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
  });
});

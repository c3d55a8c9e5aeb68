/**
 * The event count of a body is read from its text before JSON.parse (README, Limits): commas
 * inside strings and nested values do not count, and a body over the limit gets 413 with the
 * count it holds.
 */
import { describe, expect, it } from "vitest";
import { call, newTenant } from "../support/api";
import { makeEvent } from "../support/events";
import { countNdjsonLines, jsonTextShape } from "../../src/worker/body/text-shape";

describe("jsonTextShape / countNdjsonLines", () => {
  it("counts top-level elements only, ignoring commas in strings and nested values", () => {
    expect(jsonTextShape('[{"a":[1,2,3],"s":"x,y,]"},{"b":{"c":1,"d":2}}, 3 ,"q,"]', 10)).toEqual({
      tooDeep: false,
      items: 4,
    });
    expect(jsonTextShape("[]", 10).items).toBe(0);
    expect(jsonTextShape(" [ 1 ] ", 10).items).toBe(1);
    expect(jsonTextShape('{"a":[1,2],"b":3}', 10).items).toBe(1);
    expect(jsonTextShape('["\\"",1]', 10).items).toBe(2);
    expect(jsonTextShape("[[[[1]]]]", 3).tooDeep).toBe(true);
  });

  it("counts NDJSON lines with content, CRLF and a missing final newline included", () => {
    expect(countNdjsonLines('{"a":1}\r\n\r\n  \n{"b":2}\n{"c":3}')).toBe(3);
    expect(countNdjsonLines("\n\n")).toBe(0);
    expect(countNdjsonLines('{"a":"x\\ny"}\n')).toBe(1);
  });
});

describe("event count limit over HTTP", () => {
  it("answers 413 with the count for 1,001 objects, in JSON and in NDJSON", async () => {
    const t = await newTenant();
    const json = await call("POST", "/v1/events", {
      token: t.key,
      body: "[" + Array(1001).fill("{}").join(",") + "]",
      headers: { "content-type": "application/json" },
    });
    expect(json.status).toBe(413);
    expect(((await json.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: "too_many_events",
      message: "request holds 1001 events; the limit is 1000 per request",
    });
    const nd = await call("POST", "/v1/events", {
      token: t.key,
      body: "{}\r\n".repeat(1001),
      headers: { "content-type": "application/x-ndjson" },
    });
    expect(nd.status).toBe(413);
    expect(((await nd.json()) as { error: { message: string } }).error.message).toBe(
      "request holds 1001 events; the limit is 1000 per request",
    );
  });

  it("does not count commas inside events: 1,000 events with commas in strings are accepted", async () => {
    const t = await newTenant();
    const events = Array.from({ length: 1000 }, (_, i) =>
      makeEvent({ output: `a,b,c,${i}`, extra: { note: "x, y, [z]" } }),
    );
    const res = await call("POST", "/v1/events", { token: t.key, json: events });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { accepted: number }).accepted).toBe(1000);
  });
});

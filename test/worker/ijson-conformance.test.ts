/**
 * Conformance through the HTTP API: RFC 8785 number and string cases (its Appendix B and the
 * ECMAScript Number::toString edge cases) are stored exactly, with the digest written down in
 * test/fixtures/ijson-conformance.json (SHA-256 of the canonical text written by hand from the
 * RFCs, not computed by edgelog); I-JSON violations (RFC 7493) are refused per item with the
 * pointer and message the README lists.
 */
import { describe, expect, it } from "vitest";
import { call, newTenant, type IngestResponse } from "../support/api";
import fixture from "../fixtures/ijson-conformance.json";

interface Kept {
  case: string;
  why: string;
  sent: string;
  canonical: string;
  id: string;
}
interface Refused {
  case: string;
  sent: string;
  pointer: string;
  message: string;
}
const KEPT = fixture.kept as Kept[];
// Pointers are stored with JSON escapes (one holds a lone surrogate, which a JSON module cannot).
const REFUSED = (fixture.refused as Refused[]).map((r) => ({
  ...r,
  pointer: JSON.parse(`"${r.pointer}"`) as string,
}));

/** The event as a producer would write it (members not in canonical order), `parameters` spliced in as text. */
function eventText(tag: string, parameters: string): string {
  return (
    `{"schema_version": "0.3.0", "decision_context": {"decision_id": "ijson-${tag}", "decision_type": "conformance"},` +
    ` "decision_logic": {"logic_type": "rule_based", "output": "ok", "parameters": ${parameters}},` +
    ` "human_override_record": {"override_occurred": false},` +
    ` "temporal_metadata": {"event_timestamp": "2026-11-28T12:00:00Z", "sequence_number": 0,` +
    ` "hash_chain": {"current_hash": "none", "algorithm": "none", "previous_hash": null}, "evidence_tier": "full"},` +
    ` "decision_quality_indicators": {"decision_risk_level": "low"}}`
  );
}

async function sha256(text: string): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return [...d].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function post(key: string, body: string, type: string) {
  const res = await call("POST", "/v1/events", { token: key, body, headers: { "content-type": type } });
  return { status: res.status, body: (await res.json()) as IngestResponse };
}

describe("RFC 8785 conformance over HTTP", () => {
  it("has a self-consistent fixture: each id is the SHA-256 of its canonical text", async () => {
    expect(KEPT.length).toBeGreaterThanOrEqual(50);
    for (const k of KEPT) expect(await sha256(k.canonical), k.case).toBe(k.id);
  });

  it("stores every number and string case exactly: the id and the stored digest are the expected ones", async () => {
    const t = await newTenant();
    const body = `[${KEPT.map((k) => eventText(k.case, k.sent)).join(",\n")}]`;
    const { status, body: answer } = await post(t.key, body, "application/json");
    expect(answer.results.filter((r) => r.status !== "accepted")).toEqual([]);
    expect(status).toBe(200);
    for (const [i, k] of KEPT.entries()) {
      expect(answer.results[i]!.id, `${k.case}: ${k.why}`).toBe(k.id);
    }
    for (const k of KEPT) {
      const res = await call("GET", `/v1/events/${k.id}`, { token: t.key });
      expect(res.status, k.case).toBe(200);
      const got = (await res.json()) as { envelope: { id: string; digest: string }; event: unknown };
      expect(got.envelope.digest, k.case).toBe(`sha256:${k.id}`);
      expect(got.event, k.case).toEqual(JSON.parse(k.canonical));
    }
  });

  it("gives the same ids for the same events sent as NDJSON", async () => {
    const t = await newTenant();
    const body = KEPT.map((k) => eventText(k.case, k.sent)).join("\n");
    const { status, body: answer } = await post(t.key, body, "application/x-ndjson");
    expect(status).toBe(200);
    expect(answer.results.map((r) => r.id)).toEqual(KEPT.map((k) => k.id));
  });
});

describe("I-JSON violations over HTTP (RFC 7493)", () => {
  it("refuses each violating item with its pointer and message, and keeps the others (207)", async () => {
    const t = await newTenant();
    const good = KEPT[0]!;
    const texts = [eventText(good.case, good.sent), ...REFUSED.map((r) => eventText(r.case, r.sent))];
    const { status, body } = await post(t.key, `[${texts.join(",")}]`, "application/json");
    expect(status).toBe(207);
    expect(body.results[0]!).toMatchObject({ status: "accepted", id: good.id });
    for (const [i, r] of REFUSED.entries()) {
      const result = body.results[i + 1]!;
      expect(result.status, r.case).toBe("rejected");
      expect(result.errors, r.case).toEqual([{ path: r.pointer, message: r.message }]);
    }
  });

  it("refuses a single violating event with 422, in JSON and NDJSON alike", async () => {
    const t = await newTenant();
    for (const r of REFUSED) {
      for (const type of ["application/json", "application/x-ndjson"]) {
        const { status, body } = await post(t.key, eventText(r.case, r.sent), type);
        expect(status, `${r.case} as ${type}`).toBe(422);
        expect(body.results[0]!.errors).toEqual([{ path: r.pointer, message: r.message }]);
      }
    }
  });

  it("refuses the vectors' i_json_refused texts and keeps the i_json_kept ones", async () => {
    const vectors = (await import("../fixtures/rfc8785.json")).default as {
      i_json_refused: { cases: Array<{ text: string }> };
      i_json_kept: { cases: Array<{ text: string; canonical: string }> };
    };
    const t = await newTenant();
    for (const [i, c] of vectors.i_json_refused.cases.entries()) {
      const { status } = await post(t.key, eventText(`vr${i}`, c.text), "application/json");
      expect(status, c.text).toBe(422);
    }
    for (const [i, c] of vectors.i_json_kept.cases.entries()) {
      const tag = `vk${i}`;
      const { status, body } = await post(t.key, eventText(tag, c.text), "application/json");
      expect(status, c.text).toBe(200);
      // The expected canonical event: the vector's canonical parameters spliced into the hand-written frame.
      const canonical =
        `{"decision_context":{"decision_id":"ijson-${tag}","decision_type":"conformance"},` +
        `"decision_logic":{"logic_type":"rule_based","output":"ok","parameters":${c.canonical}},` +
        `"decision_quality_indicators":{"decision_risk_level":"low"},"human_override_record":{"override_occurred":false},` +
        `"schema_version":"0.3.0","temporal_metadata":{"event_timestamp":"2026-11-28T12:00:00Z","evidence_tier":"full",` +
        `"hash_chain":{"algorithm":"none","current_hash":"none","previous_hash":null},"sequence_number":0}}`;
      expect(body.results[0]!.id, c.text).toBe(await sha256(canonical));
    }
  });
});

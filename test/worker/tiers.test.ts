import { abortAllDurableObjects, env, runInDurableObject } from "cloudflare:test";
import { everythingStored } from "../support/shard-storage";
import { describe, expect, it } from "vitest";
import { call, ingest, newTenant } from "../support/api";
import { makeEvent } from "../support/events";
import { inSample } from "../../src/core/sampling";
import { projectRequired } from "../../src/core/projection";
import { canonicalJson } from "../../src/core/canonical";
import { desCurrentHash } from "../../src/core/des-chain";
import { sha256Hex } from "../../src/core/digest";
import { utf8 } from "../../src/core/bytes";
import { verifyEventProof, type EventProofDocument } from "../../src/core/event-proof";
import { verifierFromVkey } from "../../src/core/note";

interface Doc {
  envelope: Record<string, unknown> & {
    tier: string;
    retained: string;
    sample?: { rate: number; threshold: string; adjusted_count: number; in_sample: boolean };
  };
  event: unknown;
}

async function doc(key: string, id: string): Promise<Doc> {
  const res = await call("GET", `/v1/events/${id}`, { token: key });
  expect(res.status).toBe(200);
  return (await res.json()) as Doc;
}

describe("tiered evidence with the default policy", () => {
  it("keeps overrides and high risk in full, samples the rest at 10% consistently, and counts every event", async () => {
    const t = await newTenant(undefined, { policy: "default" });
    const override = makeEvent({
      extra: {
        human_override_record: {
          override_occurred: true,
          original_output: "deny",
          overridden_output: "approve",
          override_timestamp: "2026-11-28T12:00:01Z",
          override_actor: { actor_id: "analyst-7" },
          override_rationale: "documented hardship",
        },
      },
    });
    const risky = makeEvent({ risk: "critical" });
    const plain = Array.from({ length: 40 }, (_, i) => makeEvent({ decisionId: `plain-${i}` }));
    const { body } = await ingest(t.key, [override, risky, ...plain]);
    expect(body.accepted).toBe(42);
    const o = await doc(t.key, body.results[0]!.id!);
    expect(o.envelope).toMatchObject({
      tier: "full",
      declared_tier: "lightweight",
      rule: "human-override",
      retained: "body",
    });
    expect(o.event).toEqual(override);
    expect((await doc(t.key, body.results[1]!.id!)).envelope).toMatchObject({
      tier: "full",
      rule: "high-risk",
    });
    for (const [i, r] of body.results.slice(2).entries()) {
      const d = await doc(t.key, r.id!);
      const expected = inSample(`plain-${i}`, 0.1);
      expect(d.envelope.tier).toBe("sampled");
      expect(d.envelope.sample).toEqual({
        rate: 0.1,
        threshold: "e6666666666666",
        adjusted_count: 10,
        in_sample: expected,
      });
      expect(d.envelope.retained).toBe(expected ? "body" : "projection");
      expect(d.event).toEqual(expected ? plain[i] : projectRequired(plain[i]));
      // The digest covers the full event as received, whatever is retained.
      expect(d.envelope.digest).toBe(`sha256:${await sha256Hex(utf8(canonicalJson(plain[i])))}`);
    }
  });

  it("gives one decision the same sample verdict across requests, shards and restarts", async () => {
    const t = await newTenant(undefined, { policy: "default" });
    const ids = Array.from({ length: 30 }, (_, i) => `consistent-${i}`);
    const first = await ingest(
      t.key,
      ids.map((d) => makeEvent({ decisionId: d, sequenceNumber: 0 })),
    );
    await call("PUT", `/v1/admin/tenants/${t.id}/shards`, { token: t.key, json: { shards: 3 } });
    await abortAllDurableObjects();
    const second = await ingest(
      t.key,
      ids.map((d) => makeEvent({ decisionId: d, sequenceNumber: 1, output: "review" })),
    );
    for (let i = 0; i < ids.length; i++) {
      const a = (await doc(t.key, first.body.results[i]!.id!)).envelope.sample!.in_sample;
      const b = (await doc(t.key, second.body.results[i]!.id!)).envelope.sample!.in_sample;
      expect(a).toBe(b);
      expect(a).toBe(inSample(ids[i]!, 0.1));
    }
  });

  it("the effective tier is the higher of the declared one and the policy's", async () => {
    const t = await newTenant(undefined, { policy: { rules: [], default: { tier: "sampled", rate: 0.5 } } });
    const { body } = await ingest(t.key, [
      makeEvent({ tier: "full", risk: "low" }),
      makeEvent({ tier: "lightweight" }),
    ]);
    expect(body.results.map((r) => r.tier)).toEqual(["full", "sampled"]);
  });
});

describe("policies", () => {
  it("refuses a bad policy whole, listing each problem with a pointer", async () => {
    const t = await newTenant();
    const bad = {
      rules: [
        { when: { pointer: "no-slash", eq: 1 }, tier: "sampled" },
        { when: { pointer: "/a", gte: 1, lte: 2 }, tier: "gold" },
      ],
    };
    const res = await call("PUT", `/v1/admin/tenants/${t.id}/policy`, { token: t.key, json: bad });
    expect(res.status).toBe(422);
    const err = (await res.json()) as { error: { details: Array<{ path: string; message: string }> } };
    expect(err.error.details.length).toBeGreaterThanOrEqual(2);
    expect(err.error.details.map((d) => d.path).some((p) => p.startsWith("/rules/0"))).toBe(true);
    const now = (await (await call("GET", `/v1/admin/tenants/${t.id}/policy`, { token: t.key })).json()) as {
      default: boolean;
    };
    expect(now.default).toBe(false);
  });

  // Contract change (keyed commitments): a masking tenant's id and digest cover the committed
  // form (masked values keyed), no longer the event as received, and the proof checks the body.
  it("masks PII before storage; the digest covers the keyed committed form", async () => {
    const t = await newTenant(undefined, {
      policy: {
        rules: [],
        default: { tier: "full" },
        mask: [
          { pointer: "/decision_context/customer_email", action: "hash" },
          { pointer: "/decision_logic/parameters/ssn", action: "remove" },
        ],
      },
    });
    const event = makeEvent({ extra: {} });
    (event.decision_context as Record<string, unknown>).customer_email = "jane.doe@example.com";
    (event.decision_logic as Record<string, unknown>).parameters = { ssn: "078-05-1120", score: 712 };
    const { body } = await ingest(t.key, [event], "?wait=sealed");
    const d = await doc(t.key, body.results[0]!.id!);
    expect(d.envelope.masked).toEqual([
      "/decision_context/customer_email",
      "/decision_logic/parameters/ssn",
      "/temporal_metadata/hash_chain/current_hash",
    ]);
    const stored = d.event as {
      decision_context: { customer_email: string };
      decision_logic: { parameters: Record<string, unknown> };
    };
    expect(stored.decision_context.customer_email).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(stored.decision_logic.parameters).toEqual({ score: 712 });
    expect(Object.keys(d.envelope.removed as object)).toEqual(["/decision_logic/parameters/ssn"]);
    expect(d.envelope.digest).not.toBe(`sha256:${await sha256Hex(utf8(canonicalJson(event)))}`);
    // The proof of a masked event verifies, its body included (rebuilt with the removed member).
    const vkey = (await (await call("GET", "/v1/logs/0/key", { token: t.key })).text()).trim();
    const steps = await verifyEventProof(d as unknown as EventProofDocument, await verifierFromVkey(vkey));
    expect(steps.find((s) => s.step === "event digest")?.detail).toMatch(/1 removed member\(s\)/);
    const everything = await runInDurableObject(env.LOG_SHARD.getByName(`${t.id}/0`), (_i, state) =>
      everythingStored(state.storage.sql),
    );
    expect(everything).not.toContain("jane.doe@example.com");
    expect(everything).not.toContain("078-05-1120");
  });
});

describe("producer-side integrity", () => {
  function chained(events: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
    let previous: string | null = null;
    for (const e of events) {
      const tm = e.temporal_metadata as { hash_chain: Record<string, unknown> };
      tm.hash_chain = { algorithm: "SHA-256", previous_hash: previous, current_hash: "" };
      tm.hash_chain.current_hash = desCurrentHash(e);
      previous = tm.hash_chain.current_hash as string;
    }
    return events;
  }

  it("reports a tampered current_hash, a broken previous_hash link and a sequence gap, without rejecting", async () => {
    const t = await newTenant();
    const events = chained(
      Array.from({ length: 6 }, (_, i) =>
        makeEvent({ decisionId: `chain-${i}`, sequenceNumber: i < 4 ? i : i + 3 }),
      ),
    );
    // Event 2: content changed after hashing (current_hash no longer matches).
    (events[2]!.decision_logic as Record<string, unknown>).output = "deny";
    // Event 4: links to something else than event 3.
    (events[4]!.temporal_metadata as { hash_chain: Record<string, unknown> }).hash_chain.previous_hash =
      "ab".repeat(32);
    (events[4]!.temporal_metadata as { hash_chain: Record<string, unknown> }).hash_chain.current_hash =
      desCurrentHash(events[4]);
    // Event 5 links properly to event 4 as it now is.
    const chain5 = (events[5]!.temporal_metadata as { hash_chain: Record<string, unknown> }).hash_chain;
    chain5.previous_hash = (
      events[4]!.temporal_metadata as { hash_chain: Record<string, unknown> }
    ).hash_chain.current_hash;
    chain5.current_hash = desCurrentHash(events[5]);
    const { status, body } = await ingest(t.key, events);
    expect(status).toBe(200);
    const chains = [];
    for (const r of body.results) chains.push((await doc(t.key, r.id!)).envelope);
    expect(chains.map((e) => e.chain)).toEqual(["ok", "ok", "mismatch", "ok", "broken-link", "ok"]);
    expect(chains[4]).toMatchObject({ sequence: "gap", missing: 3 });
    const stats = (await (await call("GET", "/v1/stats?group_by=chain", { token: t.key })).json()) as {
      groups: Array<{ key: string; count: number }>;
      producers: Array<{
        producer: string;
        ok: number;
        mismatch: number;
        broken_link: number;
        gaps: number;
        missing: number;
      }>;
    };
    expect(Object.fromEntries(stats.groups.map((g) => [g.key, g.count]))).toEqual({
      ok: 4,
      mismatch: 1,
      "broken-link": 1,
    });
    expect(stats.producers).toEqual([
      expect.objectContaining({
        producer: `key:${t.keyId}`,
        ok: 4,
        mismatch: 1,
        broken_link: 1,
        gaps: 1,
        missing: 3,
      }),
    ]);
  });

  it("keeps one chain per producer named by X-Edgelog-Producer, and flags future timestamps", async () => {
    const t = await newTenant();
    const [a0, a1] = chained([makeEvent({ sequenceNumber: 0 }), makeEvent({ sequenceNumber: 1 })]);
    const [b0] = chained([makeEvent({ sequenceNumber: 0 })]);
    const post = (e: unknown, producer: string) =>
      call("POST", "/v1/events", { token: t.key, json: e, headers: { "x-edgelog-producer": producer } });
    for (const [e, p] of [
      [a0, "svc-a"],
      [b0, "svc-b"],
      [a1, "svc-a"],
    ] as const)
      expect((await post(e, p)).status).toBe(200);
    const stats = (await (await call("GET", "/v1/stats", { token: t.key })).json()) as {
      producers: Array<{ producer: string; ok: number }>;
    };
    expect(stats.producers.map((p) => [p.producer, p.ok])).toEqual([
      ["svc-a", 2],
      ["svc-b", 1],
    ]);
    const future = makeEvent();
    (future.temporal_metadata as Record<string, unknown>).event_timestamp = new Date(
      Date.now() + 3_600_000,
    ).toISOString();
    const { body } = await ingest(t.key, [future]);
    expect((await doc(t.key, body.results[0]!.id!)).envelope.future_timestamp).toBe(true);
    expect((await post(makeEvent(), "bad producer")).status).toBe(400);
  });
});

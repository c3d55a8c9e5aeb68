import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/core/canonical";
import { sha256Hex } from "../../src/core/digest";
import { utf8 } from "../../src/core/bytes";
import { validateEvent } from "../../src/validate";
import { checkChain, desCurrentHash } from "../../src/core/des-chain";
import { createProducer, DesInputError, type DesEvent } from "../../src/client/index";

/** DES's definition, restated independently of the builder: hash of the event minus current_hash. */
async function recomputed(event: DesEvent): Promise<string> {
  const copy = structuredClone(event) as { temporal_metadata: { hash_chain: Record<string, unknown> } };
  delete copy.temporal_metadata.hash_chain.current_hash;
  return sha256Hex(utf8(canonicalJson(copy)));
}

const FIXED = new Date("2026-11-28T12:00:00.000Z");

describe("createProducer", () => {
  it("fills DES 0.3.0's required fields, and the event passes edgelog's validator", async () => {
    const producer = createProducer({ producerId: "pricing-eu", now: () => FIXED });
    const event = await producer.event({
      decisionType: "price_quote",
      logicType: "rule_based",
      output: { price: 12.5 },
    });
    expect(validateEvent(event)).toMatchObject({ ok: true });
    expect(event.schema_version).toBe("0.3.0");
    expect(event.decision_context.decision_id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(event.decision_context.decision_type).toBe("price_quote");
    expect(event.decision_logic).toEqual({ logic_type: "rule_based", output: { price: 12.5 } });
    expect(event.human_override_record).toEqual({ override_occurred: false });
    expect(event.temporal_metadata).toMatchObject({
      event_timestamp: "2026-11-28T12:00:00.000Z",
      sequence_number: 0,
      evidence_tier: "lightweight",
      producer_id: "pricing-eu",
      hash_chain: { algorithm: "SHA-256", previous_hash: null },
    });
    expect(event.decision_quality_indicators).toBeUndefined();
  });

  it("links the chain: the second event's previous_hash is the first's current_hash, each hash recomputes", async () => {
    const producer = createProducer({ decisionType: "fraud_check", logicType: "ml_inference" });
    const first = await producer.event({ output: "allow" });
    const second = await producer.event({ output: "block" });
    expect(first.temporal_metadata.hash_chain.current_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(second.temporal_metadata.hash_chain.previous_hash).toBe(
      first.temporal_metadata.hash_chain.current_hash,
    );
    expect(second.temporal_metadata.sequence_number).toBe(1);
    for (const e of [first, second]) {
      expect(e.temporal_metadata.hash_chain.current_hash).toBe(await recomputed(e));
      expect(desCurrentHash(e)).toBe(e.temporal_metadata.hash_chain.current_hash);
    }
    expect(checkChain(first, null)).toBe("ok");
    expect(checkChain(second, first.temporal_metadata.hash_chain.current_hash)).toBe("ok");
    expect(producer.position()).toEqual({
      nextSequence: 2,
      previousHash: second.temporal_metadata.hash_chain.current_hash,
    });
  });

  it("detects a change: the recomputed hash of an edited event no longer matches", async () => {
    const event = await createProducer().event({
      decisionType: "t",
      logicType: "rule_based",
      output: "approve",
    });
    event.decision_logic.output = "decline";
    expect(await recomputed(event)).not.toBe(event.temporal_metadata.hash_chain.current_hash);
  });

  it("sequences concurrent calls in call order", async () => {
    const producer = createProducer({ decisionType: "t", logicType: "rule_based" });
    const events = await Promise.all(Array.from({ length: 20 }, (_, i) => producer.event({ output: i })));
    expect(events.map((e) => e.temporal_metadata.sequence_number)).toEqual(events.map((_, i) => i));
    expect(events.map((e) => e.decision_logic.output)).toEqual(events.map((_, i) => i));
    for (let i = 1; i < events.length; i++) {
      expect(events[i]!.temporal_metadata.hash_chain.previous_hash).toBe(
        events[i - 1]!.temporal_metadata.hash_chain.current_hash,
      );
    }
  });

  it("resumes a persisted chain where it stopped", async () => {
    const first = createProducer({ producerId: "p", decisionType: "t", logicType: "rule_based" });
    await first.event({ output: 1 });
    const last = await first.event({ output: 2 });
    const resumed = createProducer({
      producerId: "p",
      decisionType: "t",
      logicType: "rule_based",
      resume: first.position(),
    });
    const next = await resumed.event({ output: 3 });
    expect(next.temporal_metadata.sequence_number).toBe(2);
    expect(next.temporal_metadata.hash_chain.previous_hash).toBe(
      last.temporal_metadata.hash_chain.current_hash,
    );
  });

  it("records an override with DES's five override fields", async () => {
    const producer = createProducer({ now: () => FIXED });
    const event = await producer.event({
      decisionType: "credit_limit",
      logicType: "hybrid",
      output: "approve",
      overridden: {
        originalOutput: "decline",
        actor: { actor_id: "u-17", actor_role: "underwriter" },
        rationale: "verified income",
      },
      tier: "full",
      riskLevel: "high",
    });
    expect(validateEvent(event)).toMatchObject({ ok: true });
    expect(event.human_override_record).toEqual({
      override_occurred: true,
      original_output: "decline",
      overridden_output: "approve",
      override_timestamp: "2026-11-28T12:00:00.000Z",
      override_actor: { actor_id: "u-17", actor_role: "underwriter" },
      override_rationale: "verified income",
    });
    expect(event.decision_quality_indicators).toEqual({ decision_risk_level: "high" });
    expect(event.temporal_metadata.evidence_tier).toBe("full");
  });

  it("merges extra fields, keeping the builder's own fields", async () => {
    const event = await createProducer().event({
      decisionType: "t",
      logicType: "payments:fraud_score",
      output: 0.2,
      tier: "sampled",
      extra: {
        decision_context: { decision_type: "ignored", inputs: [{ input_id: "card" }] },
        temporal_metadata: { sequence_number: 99, processing_duration_ms: 4 },
        decision_quality_indicators: { decision_risk_level: "low", confidence_score: 0.9 },
        decision_boundary: { contributing_subsystems: ["scorer"] },
      },
    });
    expect(validateEvent(event)).toMatchObject({ ok: true });
    expect(event.decision_context).toMatchObject({ decision_type: "t", inputs: [{ input_id: "card" }] });
    expect(event.temporal_metadata).toMatchObject({ sequence_number: 0, processing_duration_ms: 4 });
    expect(event.decision_quality_indicators).toEqual({ decision_risk_level: "low", confidence_score: 0.9 });
    expect(event.decision_boundary).toEqual({ contributing_subsystems: ["scorer"] });
  });

  it("refuses input DES would reject, with the field's pointer, and spends no sequence number on it", async () => {
    const producer = createProducer({ decisionType: "t", logicType: "rule_based" });
    const cases: Array<[Parameters<typeof producer.event>[0], string]> = [
      [{ output: "x", tier: "full" }, "/decision_quality_indicators/decision_risk_level"],
      [{ output: "x", logicType: "Fancy" as "a:b" }, "/decision_logic/logic_type"],
      [{ output: undefined }, "/decision_logic/output"],
      [{ output: "x", logicType: "human_decision" }, "/human_override_record/override_actor"],
      [{ output: "x", timestamp: "yesterday" }, "/temporal_metadata/event_timestamp"],
      [
        { output: "x", overridden: { originalOutput: "y", actor: { actor_id: "u" }, rationale: "" } },
        "/human_override_record/override_rationale",
      ],
    ];
    for (const [input, path] of cases) {
      const err = await producer.event(input).catch((e: unknown) => e);
      expect(err, path).toBeInstanceOf(DesInputError);
      expect((err as DesInputError).path).toBe(path);
    }
    // Rejected, never thrown synchronously: callers can rely on promise handling alone.
    const noLogicType = createProducer({ decisionType: "t" }).event({ output: 1 });
    await expect(noLogicType).rejects.toBeInstanceOf(DesInputError);
    const ok = await producer.event({ output: "x" });
    expect(ok.temporal_metadata.sequence_number).toBe(0);
  });

  it("accepts a human decision whose actor and rationale come in extra", async () => {
    const event = await createProducer().event({
      decisionType: "appeal",
      logicType: "human_decision",
      output: "uphold",
      extra: {
        human_override_record: { override_actor: { actor_id: "judge-3" }, override_rationale: "policy 4.2" },
      },
    });
    expect(validateEvent(event)).toMatchObject({ ok: true });
    expect(event.human_override_record.override_occurred).toBe(false);
  });
});

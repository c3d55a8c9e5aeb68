/** Builders of valid DES 0.3.0 decision events for tests. */

export interface EventOptions {
  decisionId?: string;
  sequenceNumber?: number;
  tier?: "lightweight" | "sampled" | "full";
  output?: string;
  risk?: "low" | "medium" | "high" | "critical";
  extra?: Record<string, unknown>;
}

let counter = 0;

/** A minimal valid event: DES's required fields only (plus `extra` merged at the root). */
export function makeEvent(opts: EventOptions = {}): Record<string, unknown> {
  counter++;
  const tier = opts.tier ?? "lightweight";
  const event: Record<string, unknown> = {
    schema_version: "0.3.0",
    decision_context: {
      decision_id: opts.decisionId ?? `dec-${counter}-${Math.random().toString(36).slice(2, 10)}`,
      decision_type: "credit_limit",
    },
    decision_logic: { logic_type: "rule_based", output: opts.output ?? "approve" },
    human_override_record: { override_occurred: false },
    temporal_metadata: {
      event_timestamp: "2026-11-28T12:00:00.000Z",
      sequence_number: opts.sequenceNumber ?? 0,
      hash_chain: { current_hash: "0".repeat(64), algorithm: "none", previous_hash: null },
      evidence_tier: tier,
    },
    ...(opts.extra ?? {}),
  };
  if (tier !== "lightweight" || opts.risk) {
    event.decision_quality_indicators = { decision_risk_level: opts.risk ?? "low" };
  }
  return event;
}

export function makeEvents(n: number, opts: EventOptions = {}): Record<string, unknown>[] {
  return Array.from({ length: n }, () => makeEvent(opts));
}

export function ndjson(events: unknown[]): string {
  return events.map((e) => JSON.stringify(e)).join("\n") + "\n";
}

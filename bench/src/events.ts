/**
 * Realistic DES 0.3.0 decision events for the benchmarks: a seeded generator (same seed, same
 * events) producing the shapes a credit, fraud, pricing or moderation system would send, about
 * 1.5 KB of JSON each on average over the default tier mix, plus invalid variants for the
 * validation figure. Sizes by tier are reported in RESULTS.md rather than assumed.
 */
import { TIERS as PROTOCOL_TIERS, type Tier } from "../../src/core/protocol";

export type { Tier };
export type DesEvent = Record<string, unknown>;

export const TIERS: readonly Tier[] = PROTOCOL_TIERS;

/** Share of each declared tier in generated traffic: mostly cheap evidence, some full records. */
export const DEFAULT_MIX: Readonly<Record<Tier, number>> = { lightweight: 0.6, sampled: 0.3, full: 0.1 };

/** mulberry32: small, fast and good enough to vary field values reproducibly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DECISION_TYPES = [
  "credit_limit",
  "fraud_screen",
  "price_quote",
  "content_moderation",
  "ab_assignment",
] as const;
const LOGIC_TYPES = [
  "rule_based",
  "ml_inference",
  "hybrid",
  "policy_evaluation",
  "fintech:credit_scoring",
] as const;
const RISK_BY_TIER: Readonly<Record<Tier, readonly ("low" | "medium" | "high" | "critical")[]>> = {
  lightweight: ["low", "low", "low", "medium"],
  sampled: ["low", "medium", "medium", "high"],
  full: ["medium", "high", "high", "critical"],
};
const REGIONS = ["eu-west-1", "us-east-2", "ap-southeast-1", "sa-east-1"];

export interface EventGenerator {
  /** A fresh valid event; `tier` defaults to a draw from the generator's mix. */
  next(tier?: Tier): DesEvent;
}

export interface GeneratorOptions {
  seed?: number;
  mix?: Readonly<Record<Tier, number>>;
  /** Prefix of every decision_id, so that separate runs never produce the same event. */
  idPrefix?: string;
}

export function createEventGenerator(options: GeneratorOptions = {}): EventGenerator {
  const random = prng(options.seed ?? 0x5eed);
  const mix = options.mix ?? DEFAULT_MIX;
  const prefix = options.idPrefix ?? "bench";
  let counter = 0;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const hex = (n: number) => {
    let s = "";
    while (s.length < n)
      s += Math.floor(random() * 0x100000000)
        .toString(16)
        .padStart(8, "0");
    return s.slice(0, n);
  };
  const drawTier = (): Tier => {
    const r = random();
    if (r < mix.lightweight) return "lightweight";
    return r < mix.lightweight + mix.sampled ? "sampled" : "full";
  };

  return {
    next(requested?: Tier): DesEvent {
      const tier = requested ?? drawTier();
      counter++;
      const type = pick(DECISION_TYPES);
      const logicType = pick(LOGIC_TYPES);
      const score = Math.round(random() * 1000) / 1000;
      const risk = pick(RISK_BY_TIER[tier]);
      const at = new Date(Date.UTC(2026, 10, 1) + counter * 137 + Math.floor(random() * 1000));
      const overridden = tier !== "lightweight" && random() < 0.05;
      const action = score > 0.8 ? "decline" : score > 0.5 ? "review" : "approve";
      const event: DesEvent = {
        schema_version: "0.3.0",
        decision_context: {
          decision_id: `${prefix}-${type}-${counter.toString(36)}-${hex(8)}`,
          decision_type: type,
          trigger: `${type.replace("_", " ")} request from channel ${pick(["web", "mobile", "partner-api", "branch"])}`,
          inputs: [
            {
              input_id: `txn-${hex(12)}`,
              input_type: "transaction",
              input_source: "payments-gateway",
              input_version: "4.2",
            },
          ],
          environment: {
            system_id: `${type}-svc`,
            system_version: `7.${Math.floor(random() * 20)}.3`,
            region: pick(REGIONS),
          },
        },
        decision_logic: {
          logic_type: logicType,
          output: {
            action,
            score,
            reason_codes: [`R${Math.floor(random() * 90) + 10}`, `R${Math.floor(random() * 90) + 10}`],
          },
          rule_version: `ruleset-2026.${Math.floor(random() * 12) + 1}`,
          thresholds: { decline: 0.8, review: 0.5 },
        },
        human_override_record: overridden
          ? {
              override_occurred: true,
              override_type: "modification",
              override_actor: {
                actor_id: `analyst-${Math.floor(random() * 500)}`,
                actor_role: "risk analyst",
              },
              original_output: action,
              overridden_output: "approve",
              override_timestamp: new Date(at.getTime() + 60_000).toISOString(),
              override_rationale: "customer verified by phone; documents on file match the application",
            }
          : { override_occurred: false },
        temporal_metadata: {
          event_timestamp: at.toISOString(),
          processing_duration_ms: Math.round(random() * 4000) / 100,
          sequence_number: 0,
          hash_chain: { previous_hash: hex(64), current_hash: hex(64), algorithm: "SHA-256" },
          evidence_tier: tier,
        },
        decision_quality_indicators: {
          decision_risk_level: risk,
          confidence_score: Math.round(random() * 1000) / 1000,
          uncertainty_flags: risk === "low" ? [] : ["thin credit file"],
          ground_truth_available: false,
        },
      };
      const logic = event.decision_logic as Record<string, unknown>;
      if (logicType !== "rule_based") {
        logic.model_inference = {
          model_id: `gbm-${type}`,
          model_version: "2026.09.2",
          feature_vector_hash: hex(64),
          confidence: score,
        };
      }
      if (tier !== "lightweight") {
        const context = event.decision_context as Record<string, unknown>;
        (context.inputs as unknown[]).push({
          input_id: `cust-${hex(10)}`,
          input_type: "customer_profile",
          input_source: "crm",
          input_version: "2026.10",
        });
        context.constraints_operative = [
          "PSD2 strong customer authentication",
          "internal credit policy CP-12 section 4",
        ];
        logic.rule_path = [
          { rule_id: "velocity-24h", rule_version: "3", rule_result: "pass" },
          { rule_id: "device-reputation", rule_version: "5", rule_result: score > 0.5 ? "flag" : "pass" },
        ];
      }
      if (tier === "full") {
        (event.decision_context as Record<string, unknown>).available_inputs = [
          "transaction",
          "customer profile",
          "device fingerprint",
          "velocity counters",
        ];
        (event.temporal_metadata as Record<string, unknown>).retention_policy = {
          minimum_retention: "P7Y",
          classification: "confidential",
        };
        event.decision_boundary = {
          upstream_decisions: [
            {
              decision_id: `kyc-${hex(10)}`,
              system_id: "kyc-service",
              coupling_type: "synchronous",
              boundary_contract: {
                protocol: "grpc",
                schema_version: "2.1.0",
                sla: "p99 < 80ms",
                failure_mode: "fail-closed",
              },
            },
          ],
          downstream_consumers: [
            { system_id: "case-manager", contract_version: "2" },
            { system_id: "ledger", contract_version: "11" },
          ],
          contributing_subsystems: ["feature-store", "rules-engine", "model-server"],
          external_dependencies: ["card network", "credit bureau"],
        };
        (event.decision_quality_indicators as Record<string, unknown>).data_quality = {
          completeness: 0.98,
          staleness_seconds: Math.floor(random() * 600),
        };
      }
      return event;
    },
  };
}

/** One way to make a valid event invalid; the name says what changes. */
export type Breakage = (event: DesEvent) => void;

const obj = (e: DesEvent, key: string) => e[key] as Record<string, unknown>;

/** Changes the validator has to catch: missing required fields, wrong types, conditionals. */
export const BREAKAGES: ReadonlyArray<readonly [string, Breakage]> = [
  ["missing decision_id", (e) => void delete obj(e, "decision_context").decision_id],
  ["tier not in enum", (e) => void (obj(e, "temporal_metadata").evidence_tier = "detailed")],
  ["sequence_number negative", (e) => void (obj(e, "temporal_metadata").sequence_number = -1)],
  ["timestamp not RFC 3339", (e) => void (obj(e, "temporal_metadata").event_timestamp = "yesterday at noon")],
  ["logic_type unknown", (e) => void (obj(e, "decision_logic").logic_type = "Magic")],
  ["override without its fields", (e) => void (e.human_override_record = { override_occurred: true })],
  [
    "sampled tier without risk level",
    (e) => {
      obj(e, "temporal_metadata").evidence_tier = "sampled";
      delete obj(e, "decision_quality_indicators").decision_risk_level;
    },
  ],
  ["schema_version not semver", (e) => void (e.schema_version = "0.3")],
];

/** `count` invalid events: valid ones from `generator`, each broken by the next breakage. */
export function invalidEvents(generator: EventGenerator, count: number): DesEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const event = generator.next();
    BREAKAGES[i % BREAKAGES.length]![1](event);
    return event;
  });
}

/** Mean JSON size in bytes of each tier's events (for the report). */
export function meanSizeByTier(events: readonly DesEvent[]): Record<Tier, number> {
  const total = { lightweight: 0, sampled: 0, full: 0 };
  const count = { lightweight: 0, sampled: 0, full: 0 };
  const encoder = new TextEncoder();
  for (const e of events) {
    const tier = (e.temporal_metadata as { evidence_tier: Tier }).evidence_tier;
    total[tier] += encoder.encode(JSON.stringify(e)).length;
    count[tier]++;
  }
  return {
    lightweight: count.lightweight ? Math.round(total.lightweight / count.lightweight) : 0,
    sampled: count.sampled ? Math.round(total.sampled / count.sampled) : 0,
    full: count.full ? Math.round(total.full / count.full) : 0,
  };
}

/**
 * Builds DES 0.3.0 decision events: fills the ten required fields, the override and risk
 * conditionals, and links each producer's events into its hash chain (DES temporal_metadata:
 * `sequence_number`, `hash_chain`).
 */
import { DesInputError } from "./errors";
import { desCurrentHash } from "../core/des-chain";
import { isTier, TIERS } from "../core/protocol";
import type { DesEvent, EvidenceTier, LogicType, OverrideActor, RiskLevel } from "./des-types";

export const DES_SCHEMA_VERSION = "0.3.0";

/** The only digest this builder writes into `hash_chain.algorithm` (the one DES names). */
export const DES_HASH_ALGORITHM = "SHA-256";

const CORE_LOGIC_TYPES: ReadonlySet<string> = new Set([
  "rule_based",
  "ml_inference",
  "hybrid",
  "policy_evaluation",
  "human_decision",
]);
const NAMESPACED_LOGIC_TYPE = /^[a-z][a-z0-9_]*:[a-z][a-z0-9_]*$/;
const RISK_LEVELS: ReadonlySet<string> = new Set(["low", "medium", "high", "critical"]);
/** RFC 3339 §5.6 date-time (with the offset the schema's `date-time` format demands). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

export interface ProducerOptions {
  /** Names the chain; written to `temporal_metadata.producer_id`. Default: a random UUID. */
  producerId?: string;
  /** Default `decision_context.decision_type` for events that give none. */
  decisionType?: string;
  /** Default `decision_logic.logic_type` for events that give none. */
  logicType?: LogicType;
  /** Digest of the chain; DES names SHA-256, the only one supported. */
  algorithm?: "SHA-256";
  /** Default evidence tier. Default: `lightweight`. */
  tier?: EvidenceTier;
  /**
   * Continues a chain persisted from an earlier run (see `Producer.position()`). Default: a new
   * chain starting at sequence number 0 with `previous_hash: null`.
   */
  resume?: ChainPosition;
  /** Clock for `event_timestamp` (tests). Default: `() => new Date()`. */
  now?: () => Date;
}

export interface ChainPosition {
  nextSequence: number;
  previousHash: string | null;
}

/** A human override of the system's output (DES human_override_record). */
export interface OverrideInput {
  /** What the system decided. */
  originalOutput: unknown;
  /** What the person decided instead. Default: the event's `output`. */
  overriddenOutput?: unknown;
  actor: OverrideActor;
  rationale: string;
  /** Default: the event's timestamp. */
  timestamp?: Date | string;
  overrideType?: string;
}

/** Groups of DES fields to merge into the built event; the builder's own fields take precedence. */
export type DesExtra = {
  decision_context?: Record<string, unknown>;
  decision_logic?: Record<string, unknown>;
  human_override_record?: Record<string, unknown>;
  temporal_metadata?: Record<string, unknown>;
  decision_quality_indicators?: Record<string, unknown>;
  decision_boundary?: Record<string, unknown>;
  [group: string]: unknown;
};

export interface DecisionInput {
  /** Default: a random UUID. */
  decisionId?: string;
  /** Required here unless the producer has a default. */
  decisionType?: string;
  /** Required here unless the producer has a default. */
  logicType?: LogicType;
  /** The decision's output: any JSON value. */
  output: unknown;
  overridden?: OverrideInput;
  /** Required for the `sampled` and `full` tiers (DES conditional), unless given in `extra`. */
  riskLevel?: RiskLevel;
  tier?: EvidenceTier;
  /** When the decision was taken. Default: the producer's clock at the call. */
  timestamp?: Date | string;
  extra?: DesExtra;
}

export interface Producer {
  readonly producerId: string;
  /**
   * Builds the next event of this producer's chain. Calls are sequenced in call order: the
   * promise of a later call resolves after an earlier one and carries the next sequence number
   * and the earlier event's `current_hash` as `previous_hash`. An input that fails validation
   * rejects with `DesInputError` and takes no sequence number.
   *
   * The returned event is hashed as built: changing it afterwards invalidates `current_hash`.
   */
  event(input: DecisionInput): Promise<DesEvent>;
  /** Where the chain stands after the events built so far (persist it to `resume` later). */
  position(): ChainPosition;
}

/** Creates a producer: one hash chain and one sequence of numbers. */
export function createProducer(options: ProducerOptions = {}): Producer {
  const algorithm = options.algorithm ?? DES_HASH_ALGORITHM;
  if (algorithm !== DES_HASH_ALGORITHM) {
    throw new DesInputError("/temporal_metadata/hash_chain/algorithm", DES_HASH_ALGORITHM, String(algorithm));
  }
  const producerId = options.producerId ?? crypto.randomUUID();
  const now = options.now ?? (() => new Date());
  let nextSequence = options.resume?.nextSequence ?? 0;
  let previousHash = options.resume?.previousHash ?? null;
  if (!Number.isSafeInteger(nextSequence) || nextSequence < 0) {
    throw new DesInputError("/temporal_metadata/sequence_number", "an integer ≥ 0", String(nextSequence));
  }

  function build(draft: DesEvent): DesEvent {
    const event: DesEvent = {
      ...draft,
      temporal_metadata: {
        ...draft.temporal_metadata,
        sequence_number: nextSequence,
        hash_chain: { algorithm, previous_hash: previousHash, current_hash: "" },
      },
    };
    // DES: SHA-256 over the RFC 8785 canonical event with `current_hash` removed.
    const currentHash = desCurrentHash(event);
    event.temporal_metadata.hash_chain.current_hash = currentHash;
    nextSequence++;
    previousHash = currentHash;
    return event;
  }

  return {
    producerId,
    event(input) {
      // Built synchronously, so sequence numbers and links follow call order exactly.
      try {
        return Promise.resolve(build(draftEvent(input, options, producerId, now())));
      } catch (err) {
        return Promise.reject(err);
      }
    },
    position: () => ({ nextSequence, previousHash }),
  };
}

/** Everything but the chain fields, validated against DES's required fields and conditionals. */
function draftEvent(input: DecisionInput, defaults: ProducerOptions, producerId: string, at: Date): DesEvent {
  const extra = input.extra ?? {};
  const decisionType = input.decisionType ?? defaults.decisionType;
  if (typeof decisionType !== "string" || decisionType.length === 0) {
    throw new DesInputError(
      "/decision_context/decision_type",
      "a non-empty string (in the event or the producer)",
      String(decisionType),
    );
  }
  const logicType = input.logicType ?? defaults.logicType;
  if (
    typeof logicType !== "string" ||
    !(CORE_LOGIC_TYPES.has(logicType) || NAMESPACED_LOGIC_TYPE.test(logicType))
  ) {
    throw new DesInputError(
      "/decision_logic/logic_type",
      "a DES core logic type or `ns:name`",
      String(logicType),
    );
  }
  if (input.output === undefined) {
    throw new DesInputError("/decision_logic/output", "a JSON value", "undefined");
  }
  const tier = input.tier ?? defaults.tier ?? "lightweight";
  if (!isTier(tier))
    throw new DesInputError("/temporal_metadata/evidence_tier", TIERS.join(", "), String(tier));
  if (input.riskLevel !== undefined && !RISK_LEVELS.has(input.riskLevel)) {
    throw new DesInputError(
      "/decision_quality_indicators/decision_risk_level",
      "low, medium, high or critical",
      String(input.riskLevel),
    );
  }
  const timestamp = timestampOf(input.timestamp ?? at, "/temporal_metadata/event_timestamp");

  const quality = {
    ...group(extra.decision_quality_indicators),
    ...defined({ decision_risk_level: input.riskLevel }),
  };
  if (tier !== "lightweight" && !RISK_LEVELS.has(String(quality.decision_risk_level))) {
    throw new DesInputError(
      "/decision_quality_indicators/decision_risk_level",
      `a risk level, required by tier ${tier}`,
      String(quality.decision_risk_level),
    );
  }

  const override = overrideRecord(input, group(extra.human_override_record), timestamp);
  if (
    logicType === "human_decision" &&
    (override.override_actor === undefined || override.override_rationale === undefined)
  ) {
    throw new DesInputError(
      "/human_override_record/override_actor",
      "override_actor and override_rationale for a human_decision",
      "none",
    );
  }

  const event: DesEvent = {
    ...extra,
    schema_version: DES_SCHEMA_VERSION,
    decision_context: {
      ...group(extra.decision_context),
      decision_id: input.decisionId ?? crypto.randomUUID(),
      decision_type: decisionType,
    },
    decision_logic: { ...group(extra.decision_logic), logic_type: logicType, output: input.output },
    human_override_record: override,
    temporal_metadata: {
      ...group(extra.temporal_metadata),
      event_timestamp: timestamp,
      sequence_number: 0,
      hash_chain: { algorithm: DES_HASH_ALGORITHM, previous_hash: null, current_hash: "" },
      evidence_tier: tier,
      producer_id: producerId,
    },
  };
  if (Object.keys(quality).length > 0) event.decision_quality_indicators = quality;
  return event;
}

function overrideRecord(
  input: DecisionInput,
  extra: Record<string, unknown>,
  eventTimestamp: string,
): DesEvent["human_override_record"] {
  const o = input.overridden;
  if (!o) return { ...extra, override_occurred: extra.override_occurred === true ? true : false };
  if (o.originalOutput === undefined)
    throw new DesInputError("/human_override_record/original_output", "a JSON value", "undefined");
  if (typeof o.actor?.actor_id !== "string") {
    throw new DesInputError(
      "/human_override_record/override_actor/actor_id",
      "a string",
      String(o.actor?.actor_id),
    );
  }
  if (typeof o.rationale !== "string" || o.rationale.length === 0) {
    throw new DesInputError(
      "/human_override_record/override_rationale",
      "a non-empty string",
      String(o.rationale),
    );
  }
  return {
    ...extra,
    override_occurred: true,
    original_output: o.originalOutput,
    overridden_output: o.overriddenOutput ?? input.output,
    override_timestamp:
      o.timestamp === undefined
        ? eventTimestamp
        : timestampOf(o.timestamp, "/human_override_record/override_timestamp"),
    override_actor: o.actor,
    override_rationale: o.rationale,
    ...defined({ override_type: o.overrideType }),
  };
}

function timestampOf(value: Date | string, path: string): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new DesInputError(path, "a valid Date", "Invalid Date");
    return value.toISOString();
  }
  if (typeof value !== "string" || !RFC3339.test(value) || Number.isNaN(Date.parse(value))) {
    throw new DesInputError(path, "an RFC 3339 date-time with offset", String(value));
  }
  return value;
}

function group(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function defined(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = v;
  return out;
}

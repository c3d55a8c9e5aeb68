/**
 * Variants of valid DES 0.3.0 events for comparing two validators' verdicts. Each variant
 * makes one kind of change to a base event (or a few, for the conditionals); which variants
 * are valid is left to the validators, so the corpus asserts nothing by itself.
 */
import { DELETE, changeAt, type JsonObject } from "../fixtures/des-valid-event";

type Json = JsonObject[string];
type Change = readonly [pointer: string, value: Json | typeof DELETE];

export interface CorpusCase {
  readonly name: string;
  readonly event: unknown;
}

/** Every required field, and the required fields of hash_chain (RFC 6901 pointers). */
export const REQUIRED_FIELDS = [
  "/schema_version",
  "/decision_context",
  "/decision_logic",
  "/human_override_record",
  "/temporal_metadata",
  "/decision_context/decision_id",
  "/decision_context/decision_type",
  "/decision_logic/logic_type",
  "/decision_logic/output",
  "/human_override_record/override_occurred",
  "/temporal_metadata/event_timestamp",
  "/temporal_metadata/sequence_number",
  "/temporal_metadata/hash_chain",
  "/temporal_metadata/evidence_tier",
  "/temporal_metadata/hash_chain/current_hash",
  "/temporal_metadata/hash_chain/algorithm",
] as const;

/** One value of each JSON type (integer and non-integer numbers counted apart). */
const ONE_OF_EACH_TYPE: ReadonlyArray<readonly [string, Json]> = [
  ["null", null],
  ["boolean", true],
  ["integer", 7],
  ["fraction", 2.5],
  ["string", "text"],
  ["array", ["text"]],
  ["object", { key: "value" }],
];

const OVERRIDE_FIELDS = [
  "original_output",
  "overridden_output",
  "override_timestamp",
  "override_actor",
  "override_rationale",
] as const;

const OVERRIDE_RECORD: JsonObject = {
  override_occurred: true,
  original_output: "deny",
  overridden_output: { action: "allow", reviewed: true },
  override_timestamp: "2026-03-01T10:00:00Z",
  override_actor: { actor_id: "reviewer-9", actor_role: "risk officer" },
  override_rationale: "documented exception",
};

/** Strings that must fail RFC 3339 date-time (§5.6, with §5.7's limits on values). */
const BAD_DATE_TIMES = [
  "2026-13-01T00:00:00Z",
  "2026-00-10T00:00:00Z",
  "2026-02-29T00:00:00Z",
  "2026-04-31T12:00:00Z",
  "2026-01-32T12:00:00Z",
  "2026-01-01T24:00:00Z",
  "2026-01-01T23:60:00Z",
  "2026-01-01T23:59:61Z",
  "2026-01-01T00:00:00",
  "2026-01-01T00:00:00+25:00",
  "2026-01-01",
  "2026-01-01T",
  "20260101T000000Z",
  "2026/01/01T00:00:00Z",
  "01-01-2026T00:00:00Z",
  "",
];

/** Edge cases on both sides of the line; the validators must agree on each. */
const EDGE_DATE_TIMES = [
  "2028-02-29T00:00:00Z",
  "2026-01-01t00:00:00z",
  "2026-01-01 00:00:00Z",
  "2026-01-01T00:00:00.123456789+05:30",
  "2026-01-01T00:00:00-00:00",
  "2016-12-31T23:59:60Z",
  "2026-06-30T12:00:60Z",
  "2026-01-01T00:00:00+0100",
  "2026-01-01T00:00Z",
];

const DATE_TIME_FIELDS = [
  "/temporal_metadata/event_timestamp",
  "/temporal_metadata/decision_timestamp",
  "/temporal_metadata/evidence_availability_timestamp",
];

const LOGIC_TYPES = [
  "rule_based",
  "ml_inference",
  "hybrid",
  "policy_evaluation",
  "fintech:credit_scoring",
  "a1:b_2",
  "Rule_based",
  "ML_INFERENCE",
  "rules",
  "Fintech:scoring",
  "fintech:Scoring",
  "fintech:",
  ":scoring",
  "fin-tech:scoring",
  "1fintech:scoring",
  "fintech:scoring:v2",
  "fintech::scoring",
  " fintech:scoring",
  "",
];

const SCHEMA_VERSIONS = [
  "0.3.0",
  "1.20.300",
  "00.3.0",
  "0.3",
  "v0.3.0",
  "0.3.0-rc.1",
  "0.3.0 ",
  "0.3.0\n",
  "a.b.c",
  "",
];

const TIERS = ["lightweight", "sampled", "full"] as const;
const BAD_ENUM_VALUES = ["Full", "FULL", "gold", "", "sampled "];
const RISK_LEVELS = ["low", "medium", "high", "critical", "severe", "HIGH", ""];

const SEQUENCE_NUMBERS: Json[] = [0, 1, 9007199254740991, 1e21, -1, -0.5, 1.5, 1e-7, "1", null];

const PREVIOUS_HASHES: Json[] = [null, "", "ab12", 0, 12, false, ["ab"], { hash: "ab" }];

const EXTRA_PROPERTY_PARENTS = [
  "",
  "/decision_context",
  "/decision_logic",
  "/human_override_record",
  "/temporal_metadata",
  "/temporal_metadata/hash_chain",
  "/decision_quality_indicators",
  "/decision_boundary",
];

/** Optional fields with a declared type, each given a value of the wrong type or range. */
const OPTIONAL_FIELD_VIOLATIONS: ReadonlyArray<readonly [string, Json]> = [
  ["/decision_quality_indicators/confidence_score", 1.01],
  ["/decision_quality_indicators/confidence_score", -0.01],
  ["/decision_quality_indicators/confidence_score", "0.5"],
  ["/decision_quality_indicators/confidence_score", null],
  ["/decision_quality_indicators/ground_truth_available", "no"],
  ["/decision_quality_indicators/uncertainty_flags", [1]],
  ["/decision_context/available_inputs", "one"],
  ["/decision_context/inputs", [{ input_id: 5 }]],
  ["/decision_logic/rule_path", [{ rule_id: "r1", rule_result: true }]],
  ["/decision_logic/model_inference", { confidence: 2 }],
  ["/decision_boundary/upstream_decisions", [{ boundary_contract: { failure_mode: 3 } }]],
  ["/human_override_record/override_actor", "analyst"],
  ["/human_override_record/override_rationale", 42],
  ["/human_override_record/override_decision", null],
  ["/human_override_record/basis_for_deviation", 0],
  ["/temporal_metadata/processing_duration_ms", -1],
  ["/temporal_metadata/processing_duration_ms", 0.25],
  ["/temporal_metadata/retention_policy", { minimum_retention: 6 }],
  ["/temporal_metadata/ground_truth_arrival_timestamp", null],
  ["/temporal_metadata/ground_truth_arrival_timestamp", 1700000000],
];

function variant(base: JsonObject, changes: readonly Change[]): JsonObject {
  const event = structuredClone(base);
  for (const [pointer, value] of changes) changeAt(event, pointer, value);
  return event;
}

function casesFor(label: string, base: JsonObject): CorpusCase[] {
  const cases: CorpusCase[] = [];
  const add = (name: string, ...changes: Change[]): void => {
    cases.push({ name: `${label}: ${name}`, event: variant(base, changes) });
  };

  add("unchanged");
  for (const pointer of REQUIRED_FIELDS) add(`without ${pointer}`, [pointer, DELETE]);
  for (const pointer of REQUIRED_FIELDS) {
    for (const [type, value] of ONE_OF_EACH_TYPE) add(`${pointer} as ${type}`, [pointer, value]);
  }

  for (const tier of BAD_ENUM_VALUES)
    add(`evidence_tier ${JSON.stringify(tier)}`, ["/temporal_metadata/evidence_tier", tier]);
  for (const logicType of LOGIC_TYPES) {
    add(`logic_type ${JSON.stringify(logicType)}`, ["/decision_logic/logic_type", logicType]);
  }
  for (const version of SCHEMA_VERSIONS)
    add(`schema_version ${JSON.stringify(version)}`, ["/schema_version", version]);

  const overridden: Change = ["/human_override_record", OVERRIDE_RECORD];
  add("override with all five fields", overridden);
  for (const field of OVERRIDE_FIELDS) {
    add(`override without ${field}`, overridden, [`/human_override_record/${field}`, DELETE]);
  }
  add("override_occurred false without override fields", [
    "/human_override_record",
    { override_occurred: false },
  ]);
  add("override with a bad override_timestamp", overridden, [
    "/human_override_record/override_timestamp",
    "2026-03-01T10:00",
  ]);
  for (const [type, value] of ONE_OF_EACH_TYPE) {
    add(`override with override_actor as ${type}`, overridden, [
      "/human_override_record/override_actor",
      value,
    ]);
  }

  const human: Change = ["/decision_logic/logic_type", "human_decision"];
  const actor: Change = ["/human_override_record/override_actor", { actor_id: "officer-1" }];
  const rationale: Change = ["/human_override_record/override_rationale", "manual review"];
  add("human_decision with actor and rationale", human, actor, rationale);
  add("human_decision with actor only", human, actor, ["/human_override_record/override_rationale", DELETE]);
  add("human_decision with rationale only", human, rationale, [
    "/human_override_record/override_actor",
    DELETE,
  ]);
  add(
    "human_decision with neither",
    human,
    ["/human_override_record/override_actor", DELETE],
    ["/human_override_record/override_rationale", DELETE],
  );
  add("human_decision with a complete override", human, overridden);
  add(
    "rule_based with neither actor nor rationale",
    ["/decision_logic/logic_type", "rule_based"],
    ["/human_override_record", { override_occurred: false }],
  );

  for (const tier of TIERS) {
    const atTier: Change = ["/temporal_metadata/evidence_tier", tier];
    for (const risk of RISK_LEVELS) {
      add(`${tier} with risk ${JSON.stringify(risk)}`, atTier, [
        "/decision_quality_indicators",
        { decision_risk_level: risk },
      ]);
    }
    add(`${tier} without risk level`, atTier, ["/decision_quality_indicators", { confidence_score: 0.5 }]);
    add(`${tier} without decision_quality_indicators`, atTier, ["/decision_quality_indicators", DELETE]);
    add(`${tier} with decision_quality_indicators as a string`, atTier, [
      "/decision_quality_indicators",
      "high",
    ]);
  }

  for (const pointer of DATE_TIME_FIELDS) {
    for (const value of [...BAD_DATE_TIMES, ...EDGE_DATE_TIMES])
      add(`${pointer} ${JSON.stringify(value)}`, [pointer, value]);
  }
  for (const value of BAD_DATE_TIMES.slice(0, 5)) {
    add(`override_timestamp ${JSON.stringify(value)}`, overridden, [
      "/human_override_record/override_timestamp",
      value,
    ]);
  }

  for (const value of SEQUENCE_NUMBERS)
    add(`sequence_number ${JSON.stringify(value)}`, ["/temporal_metadata/sequence_number", value]);
  for (const value of PREVIOUS_HASHES) {
    add(`previous_hash ${JSON.stringify(value)}`, ["/temporal_metadata/hash_chain/previous_hash", value]);
  }
  add("without previous_hash", ["/temporal_metadata/hash_chain/previous_hash", DELETE]);

  for (const parent of EXTRA_PROPERTY_PARENTS) {
    add(`extra property at ${parent || "the root"}`, [`${parent}/x_extension`, { any: ["shape", 1, null] }]);
  }
  for (const [pointer, value] of OPTIONAL_FIELD_VIOLATIONS)
    add(`${pointer} ${JSON.stringify(value)}`, [pointer, value]);
  return cases;
}

/** Events that are not objects at all. */
const NOT_OBJECTS: readonly CorpusCase[] = [
  { name: "null", event: null },
  { name: "array", event: [] },
  { name: "string", event: "{}" },
  { name: "number", event: 0 },
];

/**
 * The corpus: for each base event, the variants above (several hundred per base).
 * Precondition: each base is a valid DES 0.3.0 event that has every required field and a
 * `decision_quality_indicators` object (true of the five published examples).
 */
export function buildDesCorpus(
  bases: ReadonlyArray<readonly [label: string, event: JsonObject]>,
): CorpusCase[] {
  return [...NOT_OBJECTS, ...bases.flatMap(([label, event]) => casesFor(label, event))];
}

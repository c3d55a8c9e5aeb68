/**
 * The DES 0.3.0 required-field projection: what edgelog retains of an event kept at the
 * lightweight tier ("lightweight = required fields only"), and of a sampled event outside the
 * sample.
 */

/** The ten fields every DES 0.3.0 event carries, as JSON Pointers (RFC 6901). */
export const REQUIRED_FIELD_POINTERS: readonly string[] = Object.freeze([
  "/schema_version",
  "/decision_context/decision_id",
  "/decision_context/decision_type",
  "/decision_logic/logic_type",
  "/decision_logic/output",
  "/human_override_record/override_occurred",
  "/temporal_metadata/event_timestamp",
  "/temporal_metadata/sequence_number",
  "/temporal_metadata/hash_chain",
  "/temporal_metadata/evidence_tier",
]);

export interface HashChainProjection {
  readonly current_hash: string;
  readonly algorithm: string;
  /** Present only when the event has it (DES requires only current_hash and algorithm). */
  readonly previous_hash?: string | null;
}

/** The projection's shape: the required fields at their places in a DES event. */
export interface RequiredProjection {
  readonly schema_version: string;
  readonly decision_context: { readonly decision_id: string; readonly decision_type: string };
  readonly decision_logic: { readonly logic_type: string; readonly output: unknown };
  readonly human_override_record: { readonly override_occurred: boolean };
  readonly temporal_metadata: {
    readonly event_timestamp: string;
    readonly sequence_number: number;
    readonly hash_chain: HashChainProjection;
    readonly evidence_tier: string;
  };
}

type Obj = Record<string, unknown>;

/**
 * Copies the ten required fields of `event` into a new object with the same nesting, and
 * nothing else (members of `hash_chain` other than its three are dropped as well). `output`,
 * which DES lets be any JSON value, is kept whole and shared with `event`, not copied.
 *
 * Precondition: `event` is a valid DES 0.3.0 event (validated against schema/des-0.3.0), so
 * every group and field below exists with its schema type.
 */
export function projectRequired(event: unknown): RequiredProjection {
  const e = event as Obj;
  const context = e["decision_context"] as Obj;
  const logic = e["decision_logic"] as Obj;
  const override = e["human_override_record"] as Obj;
  const temporal = e["temporal_metadata"] as Obj;
  const chain = temporal["hash_chain"] as Obj;
  const hashChain: { current_hash: string; algorithm: string; previous_hash?: string | null } = {
    current_hash: chain["current_hash"] as string,
    algorithm: chain["algorithm"] as string,
  };
  if (Object.prototype.hasOwnProperty.call(chain, "previous_hash")) {
    hashChain.previous_hash = chain["previous_hash"] as string | null;
  }
  return {
    schema_version: e["schema_version"] as string,
    decision_context: {
      decision_id: context["decision_id"] as string,
      decision_type: context["decision_type"] as string,
    },
    decision_logic: { logic_type: logic["logic_type"] as string, output: logic["output"] },
    human_override_record: { override_occurred: override["override_occurred"] as boolean },
    temporal_metadata: {
      event_timestamp: temporal["event_timestamp"] as string,
      sequence_number: temporal["sequence_number"] as number,
      hash_chain: hashChain,
      evidence_tier: temporal["evidence_tier"] as string,
    },
  };
}

/**
 * What an A/B exposure record says, read from a DES event the way `edgelog/hono` writes one
 * (`decision_logic.logic_type` "ab:exposure", and in `decision_logic.parameters` the
 * `experiment`, `variant`, `subject` and `assignment_probability`). Pure: no I/O.
 */

import { MASK_HASH_PREFIX, maskHash } from "./masking";

export const EXPOSURE_LOGIC_TYPE = "ab:exposure";
/** Longest experiment or variant name counted (longer ones are not counted as exposures). */
export const EXPERIMENT_NAME_MAX = 200;
/** Longest subject counted. */
export const SUBJECT_MAX = 1024;

export interface ExposureFields {
  experiment: string;
  variant: string;
  subject: string;
  /** The logged probability of the subject being assigned this variant, in (0, 1]. */
  probability: number;
}

/**
 * The exposure an event records, or null when it is not an `ab:exposure` event or its
 * parameters do not describe one (missing, empty or over-long names, a probability outside
 * (0, 1]); such events are stored like any other and simply not counted as exposures.
 */
export function exposureFields(event: unknown): ExposureFields | null {
  const logic = member(event, "decision_logic");
  if (member(logic, "logic_type") !== EXPOSURE_LOGIC_TYPE) return null;
  const params = member(logic, "parameters");
  const experiment = member(params, "experiment");
  const variant = member(params, "variant");
  const subject = member(params, "subject");
  const probability = member(params, "assignment_probability");
  if (
    !isName(experiment, EXPERIMENT_NAME_MAX) ||
    !isName(variant, EXPERIMENT_NAME_MAX) ||
    !isName(subject, SUBJECT_MAX)
  )
    return null;
  if (typeof probability !== "number" || !(probability > 0 && probability <= 1)) return null;
  return { experiment, variant, subject, probability };
}

function member(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

function isName(value: unknown, max: number): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= max;
}

/** An exposure as the shard counts it: the subject only as a keyed hash, never in clear. */
export interface CountedExposure {
  experiment: string;
  variant: string;
  /**
   * The first 128 bits (32 hex digits) of the tenant's masking HMAC of the subject: the same
   * digest a `hash` mask writes into the body, so the two can be matched, yet without the key
   * the subject cannot be recovered or tested for.
   */
  subjectKey: string;
  probability: number;
}

/** `exposureFields` with the subject replaced by its keyed hash (see CountedExposure). */
export function countedExposure(event: unknown, salt: Uint8Array): CountedExposure | null {
  const fields = exposureFields(event);
  if (!fields) return null;
  const digest = maskHash(fields.subject, salt).slice(MASK_HASH_PREFIX.length, MASK_HASH_PREFIX.length + 32);
  return {
    experiment: fields.experiment,
    variant: fields.variant,
    subjectKey: digest,
    probability: fields.probability,
  };
}

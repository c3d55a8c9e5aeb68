import { validators, type GeneratedValidator } from "../generated/validators/index";
import type { ConditionNotes } from "./summarize-errors";

/** DES versions this logger accepts; an event names its own in `schema_version`. */
export const SUPPORTED_SCHEMA_VERSIONS = ["0.3.0"] as const;

export type SupportedSchemaVersion = (typeof SUPPORTED_SCHEMA_VERSIONS)[number];

/** What validating one DES version needs. */
export interface SchemaVersionEntry {
  readonly validate: GeneratedValidator;
  /** The `if`/`then` conditionals of the version's schema, for error messages. */
  readonly conditions: ConditionNotes;
  /** The success result, shared so that accepting an event allocates nothing. */
  readonly accepted: { readonly ok: true; readonly schemaVersion: SupportedSchemaVersion };
}

/** Keys are `then` paths in schema/des-0.3.0.schema.json; a test checks each still fires. */
const DES_0_3_0_CONDITIONS: ConditionNotes = new Map([
  ["#/properties/human_override_record/then", "override_occurred is true"],
  ["#/allOf/0/then", "logic_type is human_decision"],
  ["#/allOf/1/then", "evidence_tier is sampled or full"],
]);

function entry(
  version: SupportedSchemaVersion,
  validate: GeneratedValidator,
  conditions: ConditionNotes,
): [string, SchemaVersionEntry] {
  return [version, { validate, conditions, accepted: Object.freeze({ ok: true, schemaVersion: version }) }];
}

/** A Map, not an object: `schema_version` is producer input and may be "__proto__". */
export const SCHEMA_VERSIONS: ReadonlyMap<string, SchemaVersionEntry> = new Map([
  entry("0.3.0", validators["des-0.3.0"], DES_0_3_0_CONDITIONS),
]);

import { SCHEMA_VERSIONS, SUPPORTED_SCHEMA_VERSIONS } from "./schema-versions";
import { summarizeErrors } from "./summarize-errors";
import type { EventValidationResult } from "./types";

const SCHEMA_VERSION_PATH = "/schema_version";

function rejected(path: string, message: string): EventValidationResult {
  return { ok: false, errors: [{ path, message }] };
}

/**
 * Validates a parsed decision event against the DES version it declares in
 * `schema_version`. Accepting allocates nothing; rejecting returns up to
 * `MAX_ISSUES_PER_EVENT` issues, each with a JSON Pointer (RFC 6901) into the event.
 *
 * Precondition: `event` is a value produced by `JSON.parse` (no cycles, no functions).
 */
export function validateEvent(event: unknown): EventValidationResult {
  if (typeof event !== "object" || event === null || Array.isArray(event)) {
    return rejected("", "must be an object (a decision event)");
  }
  const version = (event as { readonly schema_version?: unknown }).schema_version;
  if (typeof version !== "string") {
    return version === undefined
      ? rejected(SCHEMA_VERSION_PATH, 'required property "schema_version" is missing')
      : rejected(SCHEMA_VERSION_PATH, "must be a string");
  }
  const schema = SCHEMA_VERSIONS.get(version);
  if (schema === undefined) {
    return rejected(
      SCHEMA_VERSION_PATH,
      `unsupported schema version ${JSON.stringify(version)}; supported: ${SUPPORTED_SCHEMA_VERSIONS.join(", ")}`,
    );
  }
  if (schema.validate(event)) return schema.accepted;
  return { ok: false, errors: summarizeErrors(schema.validate.errors ?? [], schema.conditions) };
}

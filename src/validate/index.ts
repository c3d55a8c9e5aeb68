export { validateEvent } from "./validate-event";
export { SUPPORTED_SCHEMA_VERSIONS, type SupportedSchemaVersion } from "./schema-versions";
export { MAX_ISSUES_PER_EVENT } from "./summarize-errors";
export type { EventValidationResult, ValidationIssue } from "./types";

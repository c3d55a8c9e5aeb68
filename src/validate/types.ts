/** One reason an event was rejected. */
export interface ValidationIssue {
  /** JSON Pointer (RFC 6901) to the offending value, or to the missing property; "" is the event. */
  path: string;
  /** What is wrong, phrased for a person reading an ingest response. */
  message: string;
}

/** The outcome of validating one event; `schemaVersion` is the DES version it conforms to. */
export type EventValidationResult =
  | { readonly ok: true; readonly schemaVersion: string }
  | { readonly ok: false; readonly errors: ValidationIssue[] };

/**
 * The error answer of every route (README, "HTTP API"): `{"error": {"code", "message",
 * "details"}}`. `code` is stable and machine-readable; `message` says, for a person, what was
 * wrong; `details` lists the individual problems when there are several.
 */

/** One problem; `path` is an RFC 6901 JSON pointer into the request body when it has one. */
export interface ErrorDetail {
  path?: string;
  message: string;
}

export interface ErrorBody {
  error: {
    code: string;
    message: string;
    details: ErrorDetail[];
  };
}

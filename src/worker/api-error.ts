import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ErrorBody, ErrorDetail } from "../core/protocol";

export type { ErrorDetail, ItemError } from "../core/protocol";

/**
 * An error answered to the client as `{"error": {code, message, details}}` (README, "HTTP API"; the wire type is `ErrorBody`).
 * `code` is stable and machine-readable; `message` says, for a person, what was wrong.
 */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: string;
  readonly details: ErrorDetail[];
  readonly headers: Record<string, string>;
  constructor(
    status: ContentfulStatusCode,
    code: string,
    message: string,
    details: ErrorDetail[] = [],
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
    this.headers = headers;
  }

  toResponse(): Response {
    return new Response(
      JSON.stringify({
        error: { code: this.code, message: this.message, details: this.details },
      } satisfies ErrorBody),
      { status: this.status, headers: { "content-type": "application/json", ...this.headers } },
    );
  }
}

export const notFound = (what: string): ApiError => new ApiError(404, "not_found", `${what} not found`);

/**
 * Typed errors of the client SDK. Each carries what was expected and what was found, so a caller
 * can react to the value (a limit, a status) rather than parse a message.
 */

/** Base class: `expected` and `found` describe the mismatch in words or values. */
export class EdgelogClientError extends Error {
  readonly expected: string;
  readonly found: string;
  constructor(message: string, expected: string, found: string, options?: { cause?: unknown }) {
    super(`${message} (expected ${expected}, found ${found})`, options);
    this.name = new.target.name;
    this.expected = expected;
    this.found = found;
  }
}

/** `log()` with `overflow: "throw"` while `maxBufferEvents` events already wait to be sent. */
export class BufferFullError extends EdgelogClientError {
  readonly limit: number;
  constructor(limit: number) {
    super("the client's buffer is full", `at most ${limit} waiting events`, `${limit} waiting events`);
    this.limit = limit;
  }
}

/** `log()` after `close()`. */
export class ClientClosedError extends EdgelogClientError {
  constructor() {
    super("the client is closed", "log() before close()", "log() after close()");
  }
}

/** An event whose JSON exceeds `maxEventBytes`; the server would reject it anyway. */
export class EventTooLargeError extends EdgelogClientError {
  readonly limit: number;
  readonly size: number;
  constructor(limit: number, size: number) {
    super("event is too large", `at most ${limit} bytes of JSON`, `${size} bytes`);
    this.limit = limit;
    this.size = size;
  }
}

/** Input the DES builder or the experiment logger cannot turn into a valid event. */
export class DesInputError extends EdgelogClientError {
  /** JSON Pointer (RFC 6901) of the DES field concerned. */
  readonly path: string;
  constructor(path: string, expected: string, found: string) {
    super(`invalid decision event input at '${path}'`, expected, found);
    this.path = path;
  }
}

/** The server answered a status that is not retried (401, 403, 404, other 4xx). */
export class HttpStatusError extends EdgelogClientError {
  readonly status: number;
  /** The server's `error.code`, when its body was the standard error object. */
  readonly code: string | undefined;
  constructor(status: number, code: string | undefined, message: string, expected = "a 2xx answer") {
    super(`edgelog answered ${status}${code ? ` ${code}` : ""}: ${message}`, expected, `status ${status}`);
    this.status = status;
    this.code = code;
  }
}

/** Delivery gave up: every attempt failed with a network error, a timeout or a retryable status. */
export class DeliveryError extends EdgelogClientError {
  readonly attempts: number;
  constructor(attempts: number, lastFailure: string, options?: { cause?: unknown }) {
    super(`gave up after ${attempts} attempts`, "an answer with per-event results", lastFailure, options);
    this.attempts = attempts;
  }
}

import type { AnyValue, KeyValue } from "./any-value";

/**
 * The parts of an OTLP ExportLogsServiceRequest (opentelemetry-proto,
 * collector/logs/v1/logs_service.proto and logs/v1/logs.proto) that edgelog reads, decoded from
 * either encoding: each resource's attributes and each LogRecord's body. Other LogRecord fields
 * (times, severity, attributes, trace context) are skipped: the DES event carries its own.
 */
export interface OtlpLogsRequest {
  resourceLogs: OtlpResourceLogs[];
}

export interface OtlpResourceLogs {
  attributes: KeyValue[];
  scopeLogs: Array<{ logRecords: Array<{ body: AnyValue | null }> }>;
}

/** The body cannot be decoded as an ExportLogsServiceRequest (answered 400). */
export class OtlpDecodeError extends Error {
  readonly expected: string;
  readonly found: string;
  constructor(where: string, expected: string, found: string) {
    super(`${where}: expected ${expected}, found ${found}`);
    this.name = "OtlpDecodeError";
    this.expected = expected;
    this.found = found;
  }
}

/** More log records than one request may hold (answered 413). */
export class OtlpTooManyRecords extends Error {
  readonly limit: number;
  constructor(limit: number) {
    super(`request holds more than ${limit} log records; the limit is ${limit} per request`);
    this.name = "OtlpTooManyRecords";
    this.limit = limit;
  }
}

/** Deepest AnyValue nesting decoded (protobuf implementations commonly stop at 100). */
export const OTLP_MAX_VALUE_DEPTH = 100;

export function countRecords(request: OtlpLogsRequest): number {
  let n = 0;
  for (const r of request.resourceLogs) for (const s of r.scopeLogs) n += s.logRecords.length;
  return n;
}

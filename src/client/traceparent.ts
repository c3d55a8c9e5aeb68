/** W3C Trace Context `traceparent` header (Trace Context Level 1, §3.2). */

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

export interface TraceParent {
  traceId: string;
  parentId: string;
  flags: string;
}

/**
 * Parses a `traceparent` value, or returns undefined when it is invalid: version `ff`
 * (§3.2.2.1), an all-zero trace-id or parent-id (§3.2.2.3, §3.2.2.4), or extra fields after a
 * version 00 header. Later versions may append fields, which are ignored (§3.2.4).
 */
export function parseTraceparent(header: string | null | undefined): TraceParent | undefined {
  if (!header) return undefined;
  const m = TRACEPARENT.exec(header.trim());
  if (!m) return undefined;
  const [, version, traceId, parentId, flags, rest] = m;
  if (version === "ff" || (version === "00" && rest !== undefined)) return undefined;
  if (/^0+$/.test(traceId!) || /^0+$/.test(parentId!)) return undefined;
  return { traceId: traceId!, parentId: parentId!, flags: flags! };
}

import { ApiError, type ItemError } from "../api-error";
import { countNdjsonLines, jsonTextShape } from "./text-shape";
import { groupByItem } from "./ijson-items";
import { findIJsonViolations, scanJsonText } from "../../core/ijson";

/** One event slot of a request: its parsed value, or why it could not be parsed. */
export type ParsedItem = { index: number; value: unknown } | { index: number; errors: ItemError[] };

export interface ParseLimits {
  maxEventsPerRequest: number;
  maxEventBytes: number;
}

export type BodyFormat = "json" | "ndjson";

/**
 * Picks the body format from Content-Type; a missing type is read as JSON. JSON text is UTF-8
 * (RFC 8259 §8.1), so a `charset` parameter other than utf-8 is refused rather than misread.
 */
export function bodyFormat(contentType: string | undefined): BodyFormat {
  const [media, ...params] = (contentType ?? "application/json").split(";");
  const type = media!.trim().toLowerCase();
  for (const p of params) {
    const [name, value] = p.split("=");
    if (name!.trim().toLowerCase() !== "charset") continue;
    const charset = (value ?? "").trim().replace(/^"|"$/g, "").toLowerCase();
    if (charset !== "utf-8" && charset !== "utf8") {
      throw new ApiError(
        415,
        "unsupported_media_type",
        `unsupported charset '${charset}' (JSON bodies are UTF-8; send charset=utf-8 or no charset)`,
      );
    }
  }
  if (type === "application/json" || type === "" || type.endsWith("+json")) return "json";
  if (type === "application/x-ndjson" || type === "application/ndjson" || type === "application/jsonl") {
    return "ndjson";
  }
  throw new ApiError(
    415,
    "unsupported_media_type",
    `unsupported Content-Type '${type}' (supported: application/json, application/x-ndjson)`,
  );
}

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * Deepest nesting of arrays and objects an event may have. DES events are shallow; the limit
 * exists because JSON.parse of a few MB of `[[[[…` builds millions of arrays (hundreds of MB)
 * before anything else can look at them, so the depth is checked on the text first.
 */
export const MAX_NESTING = 64;

/** Whether `text` nests arrays/objects deeper than `max` (strings skipped). One pass, no allocation. */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > max) return true;
    } else if (c === 93 || c === 125) depth--;
  }
  return false;
}

/**
 * Splits a body into events. A JSON body is one event or an array of them and must parse as a
 * whole (else 400). NDJSON lines are independent, so a bad line rejects only that item.
 */
export function parseEvents(bytes: Uint8Array, format: BodyFormat, limits: ParseLimits): ParsedItem[] {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw new ApiError(400, "invalid_utf8", "request body is not valid UTF-8");
  }
  if (text.trim().length === 0)
    throw new ApiError(
      400,
      "empty_body",
      "request body is empty; send one event, an array of events, or NDJSON",
    );
  return format === "json" ? parseJson(text, limits) : parseNdjson(text, limits);
}

function tooMany(n: number, limit: number): ApiError {
  return new ApiError(413, "too_many_events", `request holds ${n} events; the limit is ${limit} per request`);
}

function parseJson(text: string, limits: ParseLimits): ParsedItem[] {
  // Depth and item count come from the text: JSON.parse of `[{},{},…]` or `[[[[…` builds every
  // value before anything could look at how many or how deep there are.
  // One level more: the array that holds the events. One pass reads the shape and the I-JSON
  // violations together; where it gives up (text that is not JSON, too many items) the shape
  // pass alone decides, as it always did.
  const scan = scanJsonText(text, {
    arrayOfItems: true,
    maxDepth: MAX_NESTING + 1,
    maxItems: limits.maxEventsPerRequest,
  });
  const shape = scan ?? jsonTextShape(text, MAX_NESTING + 1);
  if (shape.tooDeep) {
    throw new ApiError(
      400,
      "too_deep",
      `request body nests arrays or objects deeper than ${MAX_NESTING} levels in an event`,
    );
  }
  if (shape.items > limits.maxEventsPerRequest) throw tooMany(shape.items, limits.maxEventsPerRequest);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ApiError(400, "invalid_json", `request body is not valid JSON: ${describe(err)}`);
  }
  // The scan cannot have given up on text JSON.parse accepts within the limits; read it again
  // rather than rely on that.
  const violations = scan?.violations ?? findIJsonViolations(text, { arrayOfItems: true });
  if (Array.isArray(value)) {
    if (value.length === 0) throw new ApiError(400, "empty_batch", "the JSON array holds no events");
    if (value.length > limits.maxEventsPerRequest) throw tooMany(value.length, limits.maxEventsPerRequest);
    const problems = groupByItem(violations);
    return value.map((v, index) => {
      const errors = problems?.get(index);
      return errors ? { index, errors } : { index, value: v };
    });
  }
  if (value !== null && typeof value === "object") {
    const errors = groupByItem(violations)?.get(0);
    return [errors ? { index: 0, errors } : { index: 0, value }];
  }
  throw new ApiError(
    400,
    "invalid_body",
    `request body must be a JSON object (one event) or an array of events, found ${jsonType(value)}`,
  );
}

function parseNdjson(text: string, limits: ParseLimits): ParsedItem[] {
  // Count the events before slicing any line out, so millions of short lines cost one pass.
  const count = countNdjsonLines(text);
  if (count > limits.maxEventsPerRequest) throw tooMany(count, limits.maxEventsPerRequest);
  const items: ParsedItem[] = [];
  const encoder = new TextEncoder();
  let lineNo = 0;
  for (let start = 0; start < text.length;) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    lineNo++;
    // trim() also drops the CR of a CRLF line end.
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line.length === 0) continue;
    const index = items.length;
    // Cheap upper bound first: UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (line.length * 3 > limits.maxEventBytes) {
      const size = encoder.encode(line).length;
      if (size > limits.maxEventBytes) {
        items.push({
          index,
          errors: [{ path: "", message: `event is ${size} bytes; the limit is ${limits.maxEventBytes}` }],
        });
        continue;
      }
    }
    // One pass for the depth and the I-JSON violations, as for a JSON body; the depth pass
    // alone where it gives up (a line that is not JSON).
    const scan = scanJsonText(line, { arrayOfItems: false, maxDepth: MAX_NESTING, maxItems: Infinity });
    if (scan === null ? nestsDeeperThan(line, MAX_NESTING) : scan.tooDeep) {
      items.push({
        index,
        errors: [{ path: "", message: `event nests arrays or objects deeper than ${MAX_NESTING} levels` }],
      });
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      items.push({
        index,
        errors: [{ path: "", message: `line ${lineNo} is not valid JSON: ${describe(err)}` }],
      });
      continue;
    }
    const errors = groupByItem(scan?.violations ?? findIJsonViolations(line, { arrayOfItems: false }))?.get(
      0,
    );
    items.push(errors ? { index, errors } : { index, value });
  }
  return items;
}

export function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

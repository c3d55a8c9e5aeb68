import type { AnyValue, KeyValue } from "./any-value";
import {
  OTLP_MAX_VALUE_DEPTH,
  OtlpDecodeError,
  OtlpTooManyRecords,
  type OtlpLogsRequest,
  type OtlpResourceLogs,
} from "./logs-request";

/**
 * Decodes an OTLP/HTTP JSON body (`application/json`): the protobuf JSON mapping of an
 * ExportLogsServiceRequest, with lowerCamelCase member names (the original snake_case names are
 * accepted too, as the mapping allows), int64 as a string or a number, bytes as base64.
 * Precondition: `value` is the parsed body; more than `maxRecords` records throw OtlpTooManyRecords.
 */
export function decodeLogsJson(value: unknown, maxRecords: number): OtlpLogsRequest {
  const root = object(value, "request body");
  const out: OtlpLogsRequest = { resourceLogs: [] };
  let records = 0;
  array(member(root, "resourceLogs", "resource_logs"), "resourceLogs").forEach((rl, i) => {
    const at = `resourceLogs[${i}]`;
    const entry = object(rl, at);
    const resource: OtlpResourceLogs = { attributes: [], scopeLogs: [] };
    const res = member(entry, "resource");
    if (res !== undefined && res !== null) {
      resource.attributes = array(
        member(object(res, `${at}.resource`), "attributes"),
        `${at}.resource.attributes`,
      ).map((kv, k) => keyValue(kv, `${at}.resource.attributes[${k}]`, 0));
    }
    array(member(entry, "scopeLogs", "scope_logs"), `${at}.scopeLogs`).forEach((sl, j) => {
      const sat = `${at}.scopeLogs[${j}]`;
      const scope: OtlpResourceLogs["scopeLogs"][number] = { logRecords: [] };
      array(member(object(sl, sat), "logRecords", "log_records"), `${sat}.logRecords`).forEach((lr, k) => {
        if (++records > maxRecords) throw new OtlpTooManyRecords(maxRecords);
        const body = member(object(lr, `${sat}.logRecords[${k}]`), "body");
        scope.logRecords.push({
          body:
            body === undefined || body === null ? null : anyValue(body, `${sat}.logRecords[${k}].body`, 0),
        });
      });
      resource.scopeLogs.push(scope);
    });
    out.resourceLogs.push(resource);
  });
  return out;
}

function member(obj: Record<string, unknown>, camel: string, snake?: string): unknown {
  return obj[camel] !== undefined ? obj[camel] : snake === undefined ? undefined : obj[snake];
}

function kind(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "an array" : typeof v;
}

function object(v: unknown, at: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new OtlpDecodeError(at, "an object", kind(v));
  return v as Record<string, unknown>;
}

/** A repeated field: absent or null is empty. */
function array(v: unknown, at: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new OtlpDecodeError(at, "an array", kind(v));
  return v;
}

function keyValue(v: unknown, at: string, depth: number): KeyValue {
  const kv = object(v, at);
  const key = kv.key ?? "";
  if (typeof key !== "string") throw new OtlpDecodeError(`${at}.key`, "a string", kind(key));
  const value = kv.value;
  return {
    key,
    value:
      value === undefined || value === null ? { kind: "empty" } : anyValue(value, `${at}.value`, depth + 1),
  };
}

const INT64 = /^-?\d{1,19}$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function anyValue(v: unknown, at: string, depth: number): AnyValue {
  if (depth > OTLP_MAX_VALUE_DEPTH)
    throw new OtlpDecodeError(at, `nesting of at most ${OTLP_MAX_VALUE_DEPTH}`, "deeper nesting");
  const o = object(v, at);
  const set = Object.keys(o).filter((k) => o[k] !== undefined && o[k] !== null);
  if (set.length === 0) return { kind: "empty" };
  if (set.length > 1) throw new OtlpDecodeError(at, "one AnyValue member", set.join(", "));
  const name = set[0]!;
  const x = o[name];
  switch (name) {
    case "stringValue":
    case "string_value":
      if (typeof x !== "string") throw new OtlpDecodeError(`${at}.stringValue`, "a string", kind(x));
      return { kind: "string", value: x };
    case "boolValue":
    case "bool_value":
      if (typeof x !== "boolean") throw new OtlpDecodeError(`${at}.boolValue`, "a boolean", kind(x));
      return { kind: "bool", value: x };
    case "intValue":
    case "int_value": {
      const text =
        typeof x === "number" && Number.isInteger(x)
          ? String(x)
          : typeof x === "string" && INT64.test(x)
            ? x
            : null;
      if (text === null)
        throw new OtlpDecodeError(`${at}.intValue`, "an int64 (number or decimal string)", JSON.stringify(x));
      return { kind: "int", value: text };
    }
    case "doubleValue":
    case "double_value":
      if (typeof x === "number") return { kind: "double", value: x };
      if (x === "NaN" || x === "Infinity" || x === "-Infinity") return { kind: "double", value: Number(x) };
      throw new OtlpDecodeError(`${at}.doubleValue`, "a number", kind(x));
    case "arrayValue":
    case "array_value":
      return {
        kind: "array",
        values: array(member(object(x, `${at}.arrayValue`), "values"), `${at}.arrayValue.values`).map(
          (e, i) => anyValue(e, `${at}.arrayValue.values[${i}]`, depth + 1),
        ),
      };
    case "kvlistValue":
    case "kvlist_value":
      return {
        kind: "kvlist",
        values: array(member(object(x, `${at}.kvlistValue`), "values"), `${at}.kvlistValue.values`).map(
          (e, i) => keyValue(e, `${at}.kvlistValue.values[${i}]`, depth + 1),
        ),
      };
    case "bytesValue":
    case "bytes_value": {
      if (typeof x !== "string" || !BASE64.test(x))
        throw new OtlpDecodeError(`${at}.bytesValue`, "base64 text", kind(x));
      let binary: string;
      try {
        binary = atob(x.replace(/-/g, "+").replace(/_/g, "/"));
      } catch {
        throw new OtlpDecodeError(`${at}.bytesValue`, "base64 text", JSON.stringify(x.slice(0, 40)));
      }
      return { kind: "bytes", value: Uint8Array.from(binary, (c) => c.charCodeAt(0)) };
    }
    default:
      throw new OtlpDecodeError(
        at,
        "one of stringValue, boolValue, intValue, doubleValue, arrayValue, kvlistValue, bytesValue",
        name,
      );
  }
}

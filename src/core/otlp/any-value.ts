/**
 * OpenTelemetry's AnyValue (opentelemetry-proto, common/v1/common.proto) and how edgelog maps it
 * to and from JSON, so that a LogRecord body can carry a DES event as structured data:
 *
 *   AnyValue            JSON                     JSON                   AnyValue
 *   string_value    →   string                   string             →   string_value
 *   bool_value      →   true / false             true / false       →   bool_value
 *   int_value       →   number (|n| ≤ 2^53 − 1)  whole number       →   int_value
 *   double_value    →   number (finite)          other number       →   double_value
 *   array_value     →   array                    array              →   array_value
 *   kvlist_value    →   object (keys unique)     object             →   kvlist_value (member order kept)
 *   bytes_value     →   base64 string            null               →   AnyValue with no value set
 *   no value set    →   null
 *
 * Both ways are lossless for every JSON value a DES event can hold (RFC 8785 canonical JSON of the
 * result is the same), which is what makes an event's id the same whichever way it was sent.
 */

export type AnyValue =
  | { kind: "string"; value: string }
  | { kind: "bool"; value: boolean }
  /** int64 as decimal text (protobuf varints and OTLP/JSON strings both fit). */
  | { kind: "int"; value: string }
  | { kind: "double"; value: number }
  | { kind: "array"; values: AnyValue[] }
  | { kind: "kvlist"; values: KeyValue[] }
  | { kind: "bytes"; value: Uint8Array }
  | { kind: "empty" };

export interface KeyValue {
  key: string;
  value: AnyValue;
}

/** Why an AnyValue does not map to JSON; `path` is a JSON pointer into the value. */
export class AnyValueError extends Error {
  readonly path: string;
  readonly expected: string;
  readonly found: string;
  constructor(path: string, expected: string, found: string) {
    super(`${path || "body"}: expected ${expected}, found ${found}`);
    this.name = "AnyValueError";
    this.path = path;
    this.expected = expected;
    this.found = found;
  }
}

const escapeToken = (key: string) => key.replace(/~/g, "~0").replace(/\//g, "~1");

/**
 * The JSON value an AnyValue stands for (table above).
 * Precondition: `maxDepth` ≥ 0 bounds the nesting of arrays and kvlists (checked).
 */
export function anyValueToJson(value: AnyValue, maxDepth: number, path = ""): unknown {
  switch (value.kind) {
    case "string":
      return value.value;
    case "bool":
      return value.value;
    case "int": {
      const n = Number(value.value);
      if (!Number.isSafeInteger(n))
        throw new AnyValueError(path, "an int_value within ±(2^53 − 1)", value.value);
      return n;
    }
    case "double":
      if (!Number.isFinite(value.value))
        throw new AnyValueError(path, "a finite double_value", String(value.value));
      return value.value;
    case "bytes":
      return toBase64(value.value);
    case "empty":
      return null;
    case "array":
      if (maxDepth === 0)
        throw new AnyValueError(path, "at most the allowed nesting depth", "a deeper array_value");
      return value.values.map((v, i) => anyValueToJson(v, maxDepth - 1, `${path}/${i}`));
    case "kvlist": {
      if (maxDepth === 0)
        throw new AnyValueError(path, "at most the allowed nesting depth", "a deeper kvlist_value");
      const out: Record<string, unknown> = {};
      for (const kv of value.values) {
        const at = `${path}/${escapeToken(kv.key)}`;
        if (Object.prototype.hasOwnProperty.call(out, kv.key))
          throw new AnyValueError(at, "unique keys in a kvlist_value", `key '${kv.key}' twice`);
        out[kv.key] = anyValueToJson(kv.value, maxDepth - 1, at);
      }
      return out;
    }
  }
}

/** The AnyValue a JSON value is sent as (table above); the inverse of anyValueToJson on JSON. */
export function jsonToAnyValue(value: unknown): AnyValue {
  if (value === null || value === undefined) return { kind: "empty" };
  if (typeof value === "string") return { kind: "string", value };
  if (typeof value === "boolean") return { kind: "bool", value };
  if (typeof value === "number")
    return Number.isInteger(value) ? { kind: "int", value: String(value) } : { kind: "double", value };
  if (Array.isArray(value)) return { kind: "array", values: value.map(jsonToAnyValue) };
  if (typeof value === "object") {
    return {
      kind: "kvlist",
      values: Object.entries(value as Record<string, unknown>).map(([key, v]) => ({
        key,
        value: jsonToAnyValue(v),
      })),
    };
  }
  throw new AnyValueError("", "a JSON value", typeof value);
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

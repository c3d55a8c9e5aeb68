/** Test-side OTLP logs requests in both encodings, written independently of the decoder under test. */
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { jsonToAnyValue, type AnyValue } from "../../src/core/otlp/any-value";

export interface TestRecord {
  /** A JSON value sent as a kvlist/AnyValue, or `{ text }` sent as a string body, or null for no body. */
  body: AnyValue | null;
}

export interface TestResource {
  attributes: Record<string, string>;
  records: TestRecord[];
}

export const stringBody = (text: string): AnyValue => ({ kind: "string", value: text });
export const structuredBody = (value: unknown): AnyValue => jsonToAnyValue(value);

/** OTLP/JSON AnyValue. */
export function anyValueJson(v: AnyValue): unknown {
  switch (v.kind) {
    case "string":
      return { stringValue: v.value };
    case "bool":
      return { boolValue: v.value };
    case "int":
      return { intValue: v.value };
    case "double":
      return { doubleValue: v.value };
    case "array":
      return { arrayValue: { values: v.values.map(anyValueJson) } };
    case "kvlist":
      return {
        kvlistValue: { values: v.values.map((kv) => ({ key: kv.key, value: anyValueJson(kv.value) })) },
      };
    case "bytes":
      return { bytesValue: btoa(String.fromCharCode(...v.value)) };
    case "empty":
      return {};
  }
}

export function logsJson(resources: TestResource[]): unknown {
  return {
    resourceLogs: resources.map((r) => ({
      resource: {
        attributes: Object.entries(r.attributes).map(([key, value]) => ({
          key,
          value: { stringValue: value },
        })),
      },
      scopeLogs: [
        {
          scope: { name: "test" },
          logRecords: r.records.map((rec) => ({
            timeUnixNano: "1764504000000000000",
            severityNumber: 9,
            severityText: "INFO",
            ...(rec.body ? { body: anyValueJson(rec.body) } : {}),
            attributes: [{ key: "test.attribute", value: { intValue: 1 } }],
          })),
        },
      ],
    })),
  };
}

function writeAnyValue(w: BinaryWriter, v: AnyValue): void {
  switch (v.kind) {
    case "string":
      w.tag(1, WireType.LengthDelimited).string(v.value);
      break;
    case "bool":
      w.tag(2, WireType.Varint).bool(v.value);
      break;
    case "int":
      w.tag(3, WireType.Varint).int64(v.value);
      break;
    case "double":
      w.tag(4, WireType.Bit64).double(v.value);
      break;
    case "array":
      w.tag(5, WireType.LengthDelimited).fork();
      for (const e of v.values) {
        w.tag(1, WireType.LengthDelimited).fork();
        writeAnyValue(w, e);
        w.join();
      }
      w.join();
      break;
    case "kvlist":
      w.tag(6, WireType.LengthDelimited).fork();
      for (const kv of v.values) {
        w.tag(1, WireType.LengthDelimited).fork();
        w.tag(1, WireType.LengthDelimited).string(kv.key);
        w.tag(2, WireType.LengthDelimited).fork();
        writeAnyValue(w, kv.value);
        w.join();
        w.join();
      }
      w.join();
      break;
    case "bytes":
      w.tag(7, WireType.LengthDelimited).bytes(v.value);
      break;
    case "empty":
      break;
  }
}

export function logsProtobuf(resources: TestResource[]): Uint8Array {
  const w = new BinaryWriter();
  for (const r of resources) {
    w.tag(1, WireType.LengthDelimited).fork(); // ResourceLogs
    w.tag(1, WireType.LengthDelimited).fork(); // Resource
    for (const [key, value] of Object.entries(r.attributes)) {
      w.tag(1, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string(key);
      w.tag(2, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string(value).join();
      w.join();
    }
    w.join();
    w.tag(2, WireType.LengthDelimited).fork(); // ScopeLogs
    w.tag(1, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string("test").join(); // scope
    for (const rec of r.records) {
      w.tag(2, WireType.LengthDelimited).fork(); // LogRecord
      w.tag(1, WireType.Bit64).fixed64("1764504000000000000");
      w.tag(2, WireType.Varint).int32(9);
      if (rec.body) {
        w.tag(5, WireType.LengthDelimited).fork();
        writeAnyValue(w, rec.body);
        w.join();
      }
      w.tag(99, WireType.LengthDelimited).string("an unknown field, skipped");
      w.join();
    }
    w.join();
    w.join();
  }
  return w.finish();
}

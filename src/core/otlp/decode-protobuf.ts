import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import type { AnyValue, KeyValue } from "./any-value";
import {
  OTLP_MAX_VALUE_DEPTH,
  OtlpDecodeError,
  OtlpTooManyRecords,
  type OtlpLogsRequest,
  type OtlpResourceLogs,
} from "./logs-request";

/**
 * Decodes an OTLP/HTTP protobuf body (`application/x-protobuf`, an ExportLogsServiceRequest) with
 * @bufbuild/protobuf's wire reader, walking the official message layout by field number. No
 * code is generated at run time (workerd forbids eval), and unknown fields are skipped as
 * protobuf requires, so newer OTLP versions still decode.
 *
 * Field numbers (opentelemetry-proto v1): ExportLogsServiceRequest.resource_logs = 1;
 * ResourceLogs.resource = 1, scope_logs = 2; Resource.attributes = 1; ScopeLogs.log_records = 2;
 * LogRecord.body = 5; KeyValue.key = 1, value = 2; AnyValue string_value = 1, bool_value = 2,
 * int_value = 3, double_value = 4, array_value = 5, kvlist_value = 6, bytes_value = 7;
 * ArrayValue.values = 1; KeyValueList.values = 1.
 * Precondition: `maxRecords` ≥ 0; more records than that throw OtlpTooManyRecords.
 */
export function decodeLogsProtobuf(bytes: Uint8Array, maxRecords: number): OtlpLogsRequest {
  const counter = { records: 0, max: maxRecords };
  try {
    const out: OtlpLogsRequest = { resourceLogs: [] };
    each(new BinaryReader(bytes), "ExportLogsServiceRequest", (no, type, r) => {
      if (no !== 1) return false;
      out.resourceLogs.push(resourceLogs(sub(r, type, "resource_logs"), counter));
      return true;
    });
    return out;
  } catch (err) {
    if (err instanceof OtlpDecodeError || err instanceof OtlpTooManyRecords) throw err;
    throw new OtlpDecodeError(
      "protobuf body",
      "an ExportLogsServiceRequest",
      (err as Error).message ?? String(err),
    );
  }
}

type FieldHandler = (fieldNo: number, type: WireType, reader: BinaryReader) => boolean;

/** Reads every field of one message; fields the handler does not take are skipped. */
function each(reader: BinaryReader, message: string, handle: FieldHandler): void {
  while (reader.pos < reader.len) {
    const [no, type] = reader.tag();
    if (no <= 0) throw new OtlpDecodeError(message, "a field number ≥ 1", String(no));
    if (!handle(no, type, reader)) reader.skip(type, no);
  }
}

function sub(reader: BinaryReader, type: WireType, field: string): BinaryReader {
  if (type !== WireType.LengthDelimited)
    throw new OtlpDecodeError(field, "a length-delimited field", `wire type ${type}`);
  return new BinaryReader(reader.bytes());
}

function resourceLogs(reader: BinaryReader, counter: { records: number; max: number }): OtlpResourceLogs {
  const out: OtlpResourceLogs = { attributes: [], scopeLogs: [] };
  each(reader, "ResourceLogs", (no, type, r) => {
    if (no === 1) {
      each(sub(r, type, "resource"), "Resource", (rno, rtype, rr) => {
        if (rno !== 1) return false;
        out.attributes.push(keyValue(sub(rr, rtype, "Resource.attributes"), 0));
        return true;
      });
      return true;
    }
    if (no === 2) {
      const scope: OtlpResourceLogs["scopeLogs"][number] = { logRecords: [] };
      each(sub(r, type, "scope_logs"), "ScopeLogs", (sno, stype, sr) => {
        if (sno !== 2) return false;
        if (++counter.records > counter.max) throw new OtlpTooManyRecords(counter.max);
        let body: AnyValue | null = null;
        each(sub(sr, stype, "log_records"), "LogRecord", (lno, ltype, lr) => {
          if (lno !== 5) return false;
          body = anyValue(sub(lr, ltype, "LogRecord.body"), 0);
          return true;
        });
        scope.logRecords.push({ body });
        return true;
      });
      out.scopeLogs.push(scope);
      return true;
    }
    return false;
  });
  return out;
}

function keyValue(reader: BinaryReader, depth: number): KeyValue {
  let key = "";
  let value: AnyValue = { kind: "empty" };
  each(reader, "KeyValue", (no, type, r) => {
    if (no === 1) {
      if (type !== WireType.LengthDelimited)
        throw new OtlpDecodeError("KeyValue.key", "a string", `wire type ${type}`);
      key = r.string(true);
      return true;
    }
    if (no === 2) {
      value = anyValue(sub(r, type, "KeyValue.value"), depth + 1);
      return true;
    }
    return false;
  });
  return { key, value };
}

function anyValue(reader: BinaryReader, depth: number): AnyValue {
  if (depth > OTLP_MAX_VALUE_DEPTH)
    throw new OtlpDecodeError("AnyValue", `nesting of at most ${OTLP_MAX_VALUE_DEPTH}`, "deeper nesting");
  let value: AnyValue = { kind: "empty" };
  const expect = (type: WireType, wanted: WireType, field: string) => {
    if (type !== wanted)
      throw new OtlpDecodeError(`AnyValue.${field}`, `wire type ${wanted}`, `wire type ${type}`);
  };
  // A oneof: when several members are sent, the last one wins (protobuf merge rules).
  each(reader, "AnyValue", (no, type, r) => {
    switch (no) {
      case 1:
        expect(type, WireType.LengthDelimited, "string_value");
        value = { kind: "string", value: r.string(true) };
        return true;
      case 2:
        expect(type, WireType.Varint, "bool_value");
        value = { kind: "bool", value: r.bool() };
        return true;
      case 3:
        expect(type, WireType.Varint, "int_value");
        value = { kind: "int", value: String(r.int64()) };
        return true;
      case 4:
        expect(type, WireType.Bit64, "double_value");
        value = { kind: "double", value: r.double() };
        return true;
      case 5: {
        const values: AnyValue[] = [];
        each(sub(r, type, "array_value"), "ArrayValue", (ano, atype, ar) => {
          if (ano !== 1) return false;
          values.push(anyValue(sub(ar, atype, "ArrayValue.values"), depth + 1));
          return true;
        });
        value = { kind: "array", values };
        return true;
      }
      case 6: {
        const values: KeyValue[] = [];
        each(sub(r, type, "kvlist_value"), "KeyValueList", (kno, ktype, kr) => {
          if (kno !== 1) return false;
          values.push(keyValue(sub(kr, ktype, "KeyValueList.values"), depth + 1));
          return true;
        });
        value = { kind: "kvlist", values };
        return true;
      }
      case 7:
        expect(type, WireType.LengthDelimited, "bytes_value");
        value = { kind: "bytes", value: r.bytes() };
        return true;
      default:
        return false;
    }
  });
  return value;
}

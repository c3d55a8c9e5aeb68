import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";

/**
 * The answers OTLP/HTTP defines (OTLP specification, "OTLP/HTTP Response"): on success an
 * ExportLogsServiceResponse, whose `partial_success` (field 1: ExportLogsPartialSuccess with
 * rejected_log_records = 1, error_message = 2) is set only when some records were rejected; on
 * failure a google.rpc.Status (code = 1, message = 2). Each in the encoding of the request.
 */

export interface PartialSuccess {
  rejectedLogRecords: number;
  errorMessage: string;
}

export function exportResponseProtobuf(partial: PartialSuccess | null): Uint8Array {
  const w = new BinaryWriter();
  if (partial) {
    w.tag(1, WireType.LengthDelimited).fork();
    w.tag(1, WireType.Varint).int64(partial.rejectedLogRecords);
    if (partial.errorMessage.length > 0) w.tag(2, WireType.LengthDelimited).string(partial.errorMessage);
    w.join();
  }
  return w.finish();
}

/** The JSON mapping; int64 is written as a number (OTLP/JSON receivers accept numbers and strings). */
export function exportResponseJson(partial: PartialSuccess | null): Record<string, unknown> {
  return partial
    ? {
        partialSuccess: {
          rejectedLogRecords: partial.rejectedLogRecords,
          errorMessage: partial.errorMessage,
        },
      }
    : {};
}

/** google.rpc.Code values used for the statuses edgelog answers. */
export const RPC_CODE = {
  INVALID_ARGUMENT: 3,
  RESOURCE_EXHAUSTED: 8,
  UNAUTHENTICATED: 16,
  PERMISSION_DENIED: 7,
  UNAVAILABLE: 14,
  INTERNAL: 13,
  NOT_FOUND: 5,
  UNIMPLEMENTED: 12,
} as const;

export function statusProtobuf(code: number, message: string): Uint8Array {
  return new BinaryWriter()
    .tag(1, WireType.Varint)
    .int32(code)
    .tag(2, WireType.LengthDelimited)
    .string(message)
    .finish();
}

/** google.rpc.Code for an HTTP status of an edgelog error. */
export function rpcCodeOf(httpStatus: number): number {
  if (httpStatus === 400 || httpStatus === 413 || httpStatus === 415 || httpStatus === 422)
    return RPC_CODE.INVALID_ARGUMENT;
  if (httpStatus === 401) return RPC_CODE.UNAUTHENTICATED;
  if (httpStatus === 403) return RPC_CODE.PERMISSION_DENIED;
  if (httpStatus === 404) return RPC_CODE.NOT_FOUND;
  if (httpStatus === 429) return RPC_CODE.RESOURCE_EXHAUSTED;
  if (httpStatus === 503) return RPC_CODE.UNAVAILABLE;
  return RPC_CODE.INTERNAL;
}

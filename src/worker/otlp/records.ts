import { anyValueToJson, AnyValueError, type AnyValue, type KeyValue } from "../../core/otlp/any-value";
import type { OtlpLogsRequest } from "../../core/otlp/logs-request";
import type { ItemError } from "../api-error";
import { MAX_NESTING, nestsDeeperThan, type ParsedItem } from "../body/parse-events";

/** Where a log record sits in the request, as the OTLP/JSON member path names it. */
export function recordPath(resource: number, scope: number, record: number): string {
  return `resourceLogs[${resource}].scopeLogs[${scope}].logRecords[${record}]`;
}

export interface OtlpItem {
  /** Index among all records of the request, in order. */
  index: number;
  resource: number;
  path: string;
  item: ParsedItem;
}

/**
 * One parsed item per log record: the DES event its body carries, or why it carries none. A
 * body is a DES event when it is a string holding the event's JSON text, or a kvlist that maps
 * to the event's JSON object (src/core/otlp/any-value.ts gives the mapping both ways).
 */
export function itemsOf(request: OtlpLogsRequest): OtlpItem[] {
  const out: OtlpItem[] = [];
  request.resourceLogs.forEach((rl, r) => {
    rl.scopeLogs.forEach((sl, s) => {
      sl.logRecords.forEach((lr, l) => {
        const index = out.length;
        out.push({ index, resource: r, path: recordPath(r, s, l), item: bodyItem(index, lr.body) });
      });
    });
  });
  return out;
}

function bodyItem(index: number, body: AnyValue | null): ParsedItem {
  const reject = (message: string, path = ""): ParsedItem => ({
    index,
    errors: [{ path, message } satisfies ItemError],
  });
  if (body === null || body.kind === "empty")
    return reject("log record has no body; the body must be a DES event (its JSON text, or a kvlist)");
  if (body.kind === "string") {
    if (nestsDeeperThan(body.value, MAX_NESTING))
      return reject(`body nests arrays or objects deeper than ${MAX_NESTING} levels`);
    try {
      return { index, value: JSON.parse(body.value) };
    } catch (err) {
      return reject(`body is a string but not a DES event's JSON text: ${(err as Error).message}`);
    }
  }
  if (body.kind !== "kvlist")
    return reject(
      `body is a ${body.kind} value; a DES event is sent as its JSON text (string) or as a kvlist`,
    );
  try {
    return { index, value: anyValueToJson(body, MAX_NESTING) };
  } catch (err) {
    if (err instanceof AnyValueError) return reject(err.message, err.path);
    throw err;
  }
}

const PRODUCER = /^[\x21-\x7e]{1,128}$/;

/**
 * The producer the resource's records continue: `service.name`, plus `/service.instance.id` when
 * that is present (OpenTelemetry semantic conventions, resource attributes). Null without a
 * service.name; an Error when the result is not 1 to 128 visible ASCII characters.
 */
export function resourceProducer(attributes: readonly KeyValue[]): string | null | Error {
  const text = (key: string) => {
    const kv = attributes.find((a) => a.key === key);
    return kv && kv.value.kind === "string" && kv.value.value.length > 0 ? kv.value.value : null;
  };
  const name = text("service.name");
  if (name === null) return null;
  const instance = text("service.instance.id");
  const producer = instance === null ? name : `${name}/${instance}`;
  if (!PRODUCER.test(producer)) {
    return new Error(
      `the producer taken from the resource (service.name${instance === null ? "" : " + '/' + service.instance.id"} = '${producer.slice(0, 140)}') must be 1 to 128 visible ASCII characters; send X-Edgelog-Producer instead`,
    );
  }
  return producer;
}

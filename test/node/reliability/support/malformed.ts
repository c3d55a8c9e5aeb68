/**
 * Generators of malformed requests, one per category, all driven by a seeded Prng so a failing
 * request is reproduced by the run's seed. Each request says which statuses the contract allows
 * for it (README: HTTP API and Limits); `null` means "any answer below 500", for mutations that
 * can land on something valid by chance.
 */
import { gzipSync } from "node:zlib";
import { makeEvent } from "../../../support/events";
import { bySize } from "./mode";
import type { Prng } from "./prng";

export interface BadRequest {
  category: string;
  /** What was done, short enough to print. */
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array | (() => ReadableStream<Uint8Array>);
  /** Statuses the contract allows; null: anything below 500. */
  allowed: number[] | null;
}

export interface MalformedContext {
  /** A key with every scope. */
  key: string;
  /** A key that was revoked. */
  revokedKey: string;
  /** A key with only the read scope. */
  readKey: string;
  adminToken: string;
  tenant: string;
  /** An event that exists in the tenant's log (sealed). */
  existingId: string;
}

type Generator = (rng: Prng, ctx: MalformedContext) => BadRequest;

const enc = new TextEncoder();

function validEvent(rng: Prng): Record<string, unknown> {
  return makeEvent({ decisionId: `bad-input-${rng.u32().toString(16)}`, sequenceNumber: rng.int(0, 5) });
}

function ingest(
  ctx: MalformedContext,
  body: BadRequest["body"],
  extra: Partial<BadRequest> & { category: string; label: string },
): BadRequest {
  return {
    method: "POST",
    path: "/v1/events",
    body,
    allowed: null,
    ...extra,
    headers: {
      authorization: `Bearer ${ctx.key}`,
      "content-type": "application/json",
      ...(extra.headers ?? {}),
    },
  };
}

function printable(rng: Prng, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += String.fromCharCode(rng.int(0x20, 0x7e));
  return s;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

// ---- broken JSON -------------------------------------------------------------------------

const JSON_BREAKERS: Array<[string, (text: string, rng: Prng) => string]> = [
  ["truncated", (t, rng) => t.slice(0, rng.int(1, t.length - 1))],
  ["trailing comma", (t) => t.replace(/([}\]])$/, ",$1")],
  ["single quotes", (t) => t.replace(/"/g, "'")],
  ["unquoted keys", (t) => t.replace(/"([a-z_]+)":/g, "$1:")],
  ["NaN literal", (t) => t.replace(/"sequence_number":\d+/, '"sequence_number":NaN')],
  ["Infinity literal", (t) => t.replace(/"sequence_number":\d+/, '"sequence_number":Infinity')],
  ["comment", (t) => `/* event */ ${t}`],
  ["two documents", (t) => `${t}${t}`],
  [
    "stray byte",
    (t, rng) => {
      const i = rng.int(0, t.length);
      return t.slice(0, i) + rng.pick(["{", "}", "[", "]", ",", ":", '"', "\\", "\u0000"]) + t.slice(i);
    },
  ],
  ["unterminated string", (t) => t.replace(/"approve"/, '"approve')],
  ["bad escape", (t) => t.replace(/"approve"/, '"appr\\qove"')],
  ["control character in string", (t) => t.replace(/"approve"/, '"appr\u0001ove"')],
  ["only whitespace", () => " \n\t \r\n "],
  ["bare word", () => "undefined"],
  ["lone bracket", (_t, rng) => rng.pick(["{", "[", "}", "]", "[{", "{[}"])],
];

const brokenJson: Generator = (rng, ctx) => {
  const [name, breaker] = rng.pick(JSON_BREAKERS);
  const base = rng.chance(0.3)
    ? JSON.stringify([validEvent(rng), validEvent(rng)])
    : JSON.stringify(validEvent(rng));
  const text = breaker(base, rng);
  // A random cut or stray byte can leave valid JSON; everything else must be a 400.
  const certain = name !== "truncated" && name !== "stray byte";
  return ingest(ctx, text, { category: "broken-json", label: name, allowed: certain ? [400] : null });
};

// ---- wrong types -------------------------------------------------------------------------

const WRONG_VALUES: unknown[] = [
  null,
  0,
  -1,
  1.5,
  1e308,
  "",
  "x".repeat(10),
  true,
  [],
  [1, 2],
  {},
  { a: 1 },
  -0,
];
const TYPED_PATHS = [
  ["schema_version"],
  ["decision_context"],
  ["decision_context", "decision_id"],
  ["decision_context", "decision_type"],
  ["decision_logic"],
  ["decision_logic", "logic_type"],
  ["human_override_record"],
  ["human_override_record", "override_occurred"],
  ["temporal_metadata"],
  ["temporal_metadata", "event_timestamp"],
  ["temporal_metadata", "sequence_number"],
  ["temporal_metadata", "hash_chain"],
  ["temporal_metadata", "hash_chain", "previous_hash"],
  ["temporal_metadata", "evidence_tier"],
];

function setPath(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let node = obj;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[path.at(-1)!] = value;
}

const wrongTypes: Generator = (rng, ctx) => {
  if (rng.chance(0.25)) {
    const top = rng.pick([
      "1",
      '"event"',
      "null",
      "true",
      "[1,2,3]",
      "[null]",
      "[[]]",
      '[""]',
      "-0",
      "1e999",
    ]);
    return ingest(ctx, top, { category: "wrong-types", label: `top-level ${top}`, allowed: [400, 422] });
  }
  const event = validEvent(rng);
  const path = rng.pick(TYPED_PATHS);
  const value = rng.pick(WRONG_VALUES);
  setPath(event, path, value);
  // previous_hash accepts null, and a few replacements keep the type: allow any non-5xx then.
  return ingest(ctx, JSON.stringify(event), {
    category: "wrong-types",
    label: `/${path.join("/")} = ${JSON.stringify(value)}`,
    allowed: null,
  });
};

// ---- deep nesting ------------------------------------------------------------------------

const deepNesting: Generator = (rng, ctx) => {
  const depth = rng.pick([1_000, 10_000, 50_000, 100_000]);
  const shape = rng.pick(["arrays", "objects", "inside an event", "ndjson line"]);
  if (shape === "arrays")
    return ingest(ctx, "[".repeat(depth) + "]".repeat(depth), {
      category: "deep-nesting",
      label: `${depth} nested arrays`,
      allowed: [400, 422],
    });
  if (shape === "objects") {
    return ingest(ctx, '{"a":'.repeat(depth) + "1" + "}".repeat(depth), {
      category: "deep-nesting",
      label: `${depth} nested objects`,
      allowed: [400, 422],
    });
  }
  const nested = "[".repeat(depth) + "]".repeat(depth);
  const text = JSON.stringify(validEvent(rng)).replace(/}$/, `,"deep":${nested}}`);
  // Below the 64 KiB event limit a nested value is legal JSON data and may be stored; above it
  // (or when it cannot be canonicalized) the item must be rejected.
  const overLimit = nested.length > 65_536;
  if (shape === "inside an event") {
    return ingest(ctx, text, {
      category: "deep-nesting",
      label: `event with ${depth} nested arrays`,
      allowed: overLimit ? [400, 422] : [200, 400, 422],
    });
  }
  return ingest(ctx, `${JSON.stringify(validEvent(rng))}\n${text}\n`, {
    category: "deep-nesting",
    label: `ndjson line with ${depth} nested arrays`,
    headers: { "content-type": "application/x-ndjson" },
    allowed: overLimit ? [207] : [200, 207],
  });
};

// ---- huge strings ------------------------------------------------------------------------

const hugeStrings: Generator = (rng, ctx) => {
  const kind = rng.pick([
    "field over the event limit",
    "body near the limit",
    "body over the limit",
    "huge key",
    "huge number",
    "many keys",
  ]);
  const event = validEvent(rng);
  switch (kind) {
    case "field over the event limit":
      event.note = "x".repeat(rng.int(66_000, 300_000));
      return ingest(ctx, JSON.stringify(event), { category: "huge-strings", label: kind, allowed: [422] });
    case "body near the limit":
      event.note = "é".repeat(rng.int(400_000, 520_000));
      return ingest(ctx, JSON.stringify(event), { category: "huge-strings", label: kind, allowed: [422] });
    case "body over the limit":
      event.note = "x".repeat(rng.int(1_048_577, 1_300_000));
      return ingest(ctx, JSON.stringify(event), { category: "huge-strings", label: kind, allowed: [413] });
    case "huge key":
      event["k".repeat(rng.int(70_000, 200_000))] = 1;
      return ingest(ctx, JSON.stringify(event), { category: "huge-strings", label: kind, allowed: [422] });
    case "huge number": {
      const digits = "9".repeat(rng.int(400, 100_000));
      const text = JSON.stringify(event).replace(/"sequence_number":\d+/, `"sequence_number":${digits}`);
      return ingest(ctx, text, {
        category: "huge-strings",
        label: `${digits.length}-digit number`,
        allowed: [422],
      });
    }
    default: {
      for (let i = 0; i < 10_000; i++) event[`k${i}`] = i;
      return ingest(ctx, JSON.stringify(event), { category: "huge-strings", label: kind, allowed: [422] });
    }
  }
};

// ---- bad gzip and gzip bombs ------------------------------------------------------------

const badGzip: Generator = (rng, ctx) => {
  const json = enc.encode(JSON.stringify(validEvent(rng)));
  const good = gzipSync(json);
  const cases: Array<[string, Uint8Array, number[] | null]> = [
    ["random bytes", rng.bytes(rng.int(1, 2000)), [400]],
    [
      "gzip magic then garbage",
      concat(new Uint8Array([0x1f, 0x8b, 0x08, 0x00]), rng.bytes(rng.int(1, 500))),
      [400],
    ],
    ["truncated gzip", good.slice(0, rng.int(1, good.length - 9)), [400]],
    [
      "corrupt CRC",
      (() => {
        const b = good.slice();
        b[b.length - 6]! ^= 0xff;
        return b;
      })(),
      [400],
    ],
    ["plain JSON labelled gzip", json, [400]],
    ["gzip of gzip", gzipSync(good), [400]],
    ["trailing garbage after the member", concat(good, rng.bytes(rng.int(1, 64))), null],
    ["empty body labelled gzip", new Uint8Array(0), [400]],
  ];
  const [label, body, allowed] = rng.pick(cases);
  return ingest(ctx, body, { category: "bad-gzip", label, headers: { "content-encoding": "gzip" }, allowed });
};

/**
 * Depth of the nested-array bomb: a few KB of gzip that inflate to brackets within the
 * decompression limit, which JSON.parse turns into millions of arrays (hundreds of MB of heap
 * at 4M). The full run uses the largest that fits the limit; the reduced run a quarter of it,
 * so `npm test` does not depend on the machine's memory.
 */
const NESTED_BOMB_DEPTH = bySize(1_000_000, 4_000_000);

let bombs: Array<[string, Uint8Array, number[], string]> | null = null;
/** Compressed once per process: a few MB of gzip work, then reused. */
function gzipBombs(): Array<[string, Uint8Array, number[], string]> {
  bombs ??= [
    ["64 MiB of spaces", gzipSync(Buffer.alloc(64 << 20, 0x20), { level: 9 }), [413], "application/json"],
    ["9 MiB of zeros", gzipSync(Buffer.alloc(9 << 20, 0), { level: 9 }), [413], "application/json"],
    [
      "8 MB of newlines as NDJSON",
      gzipSync(Buffer.alloc(8_000_000, 0x0a), { level: 9 }),
      [400],
      "application/x-ndjson",
    ],
    [
      `${NESTED_BOMB_DEPTH} nested arrays in ${(2 * NESTED_BOMB_DEPTH) / 1e6} MB`,
      gzipSync(
        Buffer.concat([Buffer.alloc(NESTED_BOMB_DEPTH, 0x5b), Buffer.alloc(NESTED_BOMB_DEPTH, 0x5d)]),
        { level: 9 },
      ),
      [400, 422],
      "application/json",
    ],
    [
      "bomb split over two members",
      Buffer.concat([gzipSync(Buffer.alloc(5 << 20, 0x20)), gzipSync(Buffer.alloc(5 << 20, 0x20))]),
      [400, 413],
      "application/json",
    ],
  ];
  return bombs;
}

const gzipBomb: Generator = (rng, ctx) => {
  const [label, body, allowed, type] = rng.pick(gzipBombs());
  return ingest(ctx, body, {
    category: "gzip-bomb",
    label,
    headers: { "content-encoding": "gzip", "content-type": type },
    allowed,
  });
};

// ---- content types and encodings ---------------------------------------------------------

const contentTypes: Generator = (rng, ctx) => {
  const body = JSON.stringify(validEvent(rng));
  if (rng.chance(0.3)) {
    const encoding = rng.pick([
      "br",
      "deflate",
      "compress",
      "x-gzip",
      "gzip, gzip",
      "zstd",
      "identity;q=0",
      printable(rng, 12),
    ]);
    return ingest(ctx, body, {
      category: "content-type",
      label: `Content-Encoding ${encoding}`,
      headers: { "content-encoding": encoding },
      allowed: [400, 415],
    });
  }
  const type = rng.pick([
    "text/plain",
    "application/xml",
    "multipart/form-data; boundary=x",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
    "text/json",
    "application/jsonx",
    "image/png",
    "*/*",
    `x${printable(rng, rng.int(1, 40)).replace(/[;\s]/g, "_")}`,
    "x/" + "y".repeat(2000),
  ]);
  return ingest(ctx, body, {
    category: "content-type",
    label: `Content-Type ${type.slice(0, 40)}`,
    headers: { "content-type": type },
    allowed: [415],
  });
};

// ---- invalid UTF-8 -----------------------------------------------------------------------

const BAD_UTF8: Array<[string, number[]]> = [
  ["lone continuation byte", [0x80]],
  ["bad second byte", [0xc3, 0x28]],
  ["overlong slash", [0xc0, 0xaf]],
  ["encoded surrogate", [0xed, 0xa0, 0x80]],
  ["0xFF", [0xff]],
  ["beyond U+10FFFF", [0xf4, 0x90, 0x80, 0x80]],
  ["truncated 3-byte sequence", [0xe2, 0x82]],
  ["5-byte form", [0xf8, 0x88, 0x80, 0x80, 0x80]],
];

const invalidUtf8: Generator = (rng, ctx) => {
  const [label, seq] = rng.pick(BAD_UTF8);
  const ndjson = rng.chance(0.4);
  const events = [validEvent(rng), validEvent(rng)];
  const text = ndjson ? events.map((e) => JSON.stringify(e)).join("\n") + "\n" : JSON.stringify(events);
  const marker = text.indexOf("approve");
  const bytes = enc.encode(text);
  const at = enc.encode(text.slice(0, marker)).length + rng.int(0, 6);
  const body = concat(bytes.slice(0, at), new Uint8Array(seq), bytes.slice(at));
  const gzip = rng.chance(0.25);
  return ingest(ctx, gzip ? gzipSync(body) : body, {
    category: "invalid-utf8",
    label: `${label}${ndjson ? " (NDJSON)" : ""}${gzip ? " (gzip)" : ""}`,
    headers: {
      "content-type": ndjson ? "application/x-ndjson" : "application/json",
      ...(gzip ? { "content-encoding": "gzip" } : {}),
    },
    allowed: [400],
  });
};

// ---- authentication ----------------------------------------------------------------------

const AUTH_ROUTES: Array<[string, (ctx: MalformedContext) => string]> = [
  ["POST", () => "/v1/events"],
  ["GET", (ctx) => `/v1/events/${ctx.existingId}`],
  ["GET", () => "/v1/logs"],
  ["GET", () => "/v1/logs/0/checkpoint"],
  ["GET", () => "/v1/logs/0/batches/0"],
  ["POST", (ctx) => `/v1/admin/tenants/${ctx.tenant}/keys`],
  ["DELETE", () => "/v1/admin/keys/000000000000"],
];

const badAuth: Generator = (rng, ctx) => {
  if (rng.chance(0.1)) {
    // A valid key without the scope: authenticated, so 403 rather than 401.
    const [method, path] = rng.pick(AUTH_ROUTES.filter(([m]) => m !== "GET"));
    return {
      category: "bad-auth",
      label: `read-only key on ${method} ${path(ctx)}`,
      method,
      path: path(ctx),
      headers: { authorization: `Bearer ${ctx.readKey}`, "content-type": "application/json" },
      body: JSON.stringify(path(ctx) === "/v1/events" ? validEvent(rng) : { scopes: ["read"] }),
      allowed: [403],
    };
  }
  const [method, path] = rng.pick(AUTH_ROUTES);
  const key = ctx.key;
  const variants: Array<[string, string | null]> = [
    ["no header", null],
    ["empty", ""],
    ["scheme only", "Bearer"],
    ["Basic", `Basic ${Buffer.from("user:pass").toString("base64")}`],
    ["Token scheme", `Token ${key}`],
    ["tab separator", `Bearer\t${key}`],
    ["two tokens", `Bearer ${key} ${key}`],
    ["truncated key", `Bearer ${key.slice(0, rng.int(1, key.length - 1))}`],
    ["one character changed", `Bearer ${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}`],
    // A key is elk_<tenant>_<key id>_<secret>, the secret its last 43 characters.
    [
      "real key id, random secret",
      `Bearer ${key.slice(0, -43)}${printable(rng, 43).replace(/[^A-Za-z0-9_-]/g, "x")}`,
    ],
    [
      "random key of the tenant",
      `Bearer elk_${ctx.tenant}_${rng.u32().toString(16).padStart(8, "0")}abcd_${"Q".repeat(43)}`,
    ],
    [
      "random elk_ key",
      `Bearer elk_no-such-tenant_${rng.u32().toString(16).padStart(8, "0")}abcd_${"Q".repeat(43)}`,
    ],
    ["random printable", `Bearer ${printable(rng, rng.int(1, 200)).replace(/\s/g, "_")}`],
    ["4 KiB token", `Bearer ${"a".repeat(4096)}`],
    ["admin token plus a character", `Bearer ${ctx.adminToken}x`],
    ["revoked key", `Bearer ${ctx.revokedKey}`],
  ];
  const [label, header] = rng.pick(variants);
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (header !== null) headers.authorization = header;
  return {
    category: "bad-auth",
    label: `${label} on ${method} ${path(ctx).replace(/[0-9a-f]{64}/, "{id}")}`,
    method,
    path: path(ctx),
    headers,
    body:
      method === "GET"
        ? undefined
        : JSON.stringify(
            method === "POST" && path(ctx) === "/v1/events" ? validEvent(rng) : { scopes: ["read"] },
          ),
    allowed: [401],
  };
};

// ---- oversized batches -------------------------------------------------------------------

const oversized: Generator = (rng, ctx) => {
  const kind = rng.pick([
    "JSON array over the count",
    "NDJSON over the count",
    "streamed body over the size",
    "exactly the count, all invalid",
    "empty array",
  ]);
  switch (kind) {
    case "JSON array over the count": {
      const n = rng.int(1001, 3000);
      return ingest(ctx, JSON.stringify(Array.from({ length: n }, () => ({}))), {
        category: "oversized-batch",
        label: `${n} items`,
        allowed: [413],
      });
    }
    case "NDJSON over the count": {
      const n = rng.int(1001, 3000);
      return ingest(ctx, "{}\n".repeat(n), {
        category: "oversized-batch",
        label: `${n} NDJSON lines`,
        headers: { "content-type": "application/x-ndjson" },
        allowed: [413],
      });
    }
    case "streamed body over the size": {
      const total = rng.int(1_100_000, 3_000_000);
      const chunk = enc.encode(" ".repeat(64 * 1024));
      return ingest(
        ctx,
        () => {
          let sent = 0;
          return new ReadableStream<Uint8Array>({
            pull(controller) {
              if (sent >= total) return controller.close();
              controller.enqueue(chunk);
              sent += chunk.length;
            },
          });
        },
        { category: "oversized-batch", label: `${total} bytes streamed without a length`, allowed: [413] },
      );
    }
    case "exactly the count, all invalid":
      return ingest(ctx, JSON.stringify(Array.from({ length: 1000 }, () => ({}))), {
        category: "oversized-batch",
        label: kind,
        allowed: [422],
      });
    default:
      return ingest(ctx, "[]", { category: "oversized-batch", label: kind, allowed: [400] });
  }
};

// ---- NDJSON with garbage lines -----------------------------------------------------------

const ndjsonGarbage: Generator = (rng, ctx) => {
  const lines: string[] = [];
  let valid = 0;
  let garbage = 0;
  const n = rng.int(2, 40);
  for (let i = 0; i < n; i++) {
    if (rng.chance(0.4)) {
      lines.push(JSON.stringify(validEvent(rng)));
      valid++;
      continue;
    }
    const junk = rng.pick([
      () => printable(rng, rng.int(1, 200)),
      () => JSON.stringify(validEvent(rng)).slice(0, rng.int(1, 100)),
      () => "[]",
      () => "null",
      () => String(rng.int(-5, 5)),
      () => '"a string"',
      () => "{}",
      () => "x".repeat(70_000),
      () => JSON.stringify(validEvent(rng)) + "}",
    ])();
    if (junk.trim().length === 0) continue;
    lines.push(junk);
    garbage++;
  }
  if (rng.chance(0.2)) lines.splice(rng.int(0, lines.length), 0, "", "   ", "\t");
  const sep = rng.pick(["\n", "\r\n"]);
  const allowed = garbage === 0 ? [200] : valid === 0 ? [422] : [207];
  return ingest(ctx, lines.join(sep) + sep, {
    category: "ndjson-garbage",
    label: `${valid} valid, ${garbage} garbage lines`,
    headers: { "content-type": "application/x-ndjson" },
    allowed,
  });
};

// ---- wrong methods and paths -------------------------------------------------------------

const methodsPaths: Generator = (rng, ctx) => {
  const wrong: Array<[string, string]> = [
    ["PUT", "/v1/events"],
    ["PATCH", "/v1/events"],
    ["DELETE", "/v1/events"],
    ["GET", "/v1/events/"],
    ["POST", `/v1/events/${ctx.existingId}`],
    ["PUT", `/v1/events/${ctx.existingId}`],
    ["POST", "/v1/logs"],
    ["DELETE", "/v1/logs/0"],
    ["GET", "/v1/logs/0"],
    ["POST", "/v1/logs/0/checkpoint"],
    ["GET", "/v1/logs/0/batches"],
    ["GET", "/v1/logs/0/batches/0/extra"],
    ["GET", "/v1/admin/tenants"],
    ["DELETE", "/v1/admin/tenants"],
    ["GET", "/v1/admin/keys/abc"],
    ["GET", "/v1"],
    ["GET", "/v2/events"],
    ["POST", "/"],
    ["GET", "/v1/nothing-here"],
    ["GET", "/v1//logs"],
    ["GET", "/v1/logs/%2e%2e/admin"],
    ["GET", `/v1/${"a/".repeat(rng.int(10, 1500))}`],
    ["GET", "/v1/events/%00"],
    ["OPTIONS", "/v1/events"],
    ["GET", "/healthz/extra"],
  ];
  const [method, path] = rng.pick(wrong);
  return {
    category: "method-path",
    // "/" serves the dashboard's static assets, where the platform answers a POST with 405.
    label: `${method} ${path.slice(0, 50).replace(/[0-9a-f]{64}/, "{id}")}`,
    method,
    path,
    headers: { authorization: `Bearer ${ctx.key}`, "content-type": "application/json" },
    body: method === "GET" || method === "OPTIONS" ? undefined : "{}",
    allowed: [400, 404, 405],
  };
};

// ---- bad query parameters ----------------------------------------------------------------

const BAD_NUMBERS = [
  "",
  "-1",
  "abc",
  "1e3",
  "0x10",
  "01",
  "99999999999999999999",
  "9007199254740993",
  "%201",
  "1.5",
  "%00",
  "0",
  "1,2",
  "+1",
];

const queryParams: Generator = (rng, ctx) => {
  const kind = rng.pick(["consistency", "batch", "log", "wait"]);
  const get = (path: string, label: string, allowed: number[]): BadRequest => ({
    category: "query-params",
    label,
    method: "GET",
    path,
    headers: { authorization: `Bearer ${ctx.key}` },
    allowed,
  });
  switch (kind) {
    case "consistency": {
      const from = rng.chance(0.7) ? rng.pick(BAD_NUMBERS) : String(rng.int(1, 5));
      const to = rng.chance(0.7) ? rng.pick(BAD_NUMBERS) : String(rng.int(1_000_000, 9_999_999));
      const omit = rng.int(0, 3);
      const q = [omit === 1 ? "" : `from=${from}`, omit === 2 ? "" : `to=${to}`].filter(Boolean).join("&");
      return get(`/v1/logs/0/consistency?${q}`, `consistency ${q}`, [400]);
    }
    case "batch": {
      const n = rng.pick([
        ...BAD_NUMBERS.filter((x) => x !== "" && x !== "0"),
        "9999999999999999",
        "4294967296",
        "123456",
      ]);
      return get(`/v1/logs/0/batches/${n}`, `batch ${n}`, [400, 404]);
    }
    case "log": {
      const log = rng.pick(["-1", "1", "01", "999999", "9999999", "abc", "0x0", "%20", "0.0", "1e0"]);
      const tail = rng.pick(["/checkpoint", "/key", "/consistency?from=1&to=1", "/batches/0"]);
      return get(`/v1/logs/${log}${tail}`, `log ${log}${tail}`, [404]);
    }
    default: {
      const wait = rng.pick(["", "Sealed", "SEALED", "true", "1", "sealed%00", "all", "x".repeat(3000)]);
      return ingest(ctx, JSON.stringify(validEvent(rng)), {
        category: "query-params",
        label: `wait=${wait.slice(0, 20)}`,
        path: `/v1/events?wait=${wait}`,
        allowed: [400],
      });
    }
  }
};

// ---- bad event ids -----------------------------------------------------------------------

const badIds: Generator = (rng, ctx) => {
  const hex = ctx.existingId;
  const ids: Array<[string, string, number[]]> = [
    ["63 hex digits", hex.slice(1), [400]],
    ["65 hex digits", `${hex}0`, [400]],
    ["non-hex digit", `${hex.slice(0, 63)}g`, [400]],
    ["short", "abc", [400]],
    ["percent-encoded unicode", "%E2%82%AC".repeat(21) + "0", [400]],
    ["spaces", "%20".repeat(64), [400]],
    ["NUL", `${hex.slice(0, 63)}%00`, [400]],
    ["10k characters", "a".repeat(10_000), [400]],
    [
      "unknown but well-formed",
      rng.bytes(32).reduce((s, b) => s + b.toString(16).padStart(2, "0"), ""),
      [404],
    ],
    ["dot segments", "..", [400, 404]],
  ];
  const [label, id, allowed] = rng.pick(ids);
  const erase = rng.chance(0.3);
  return {
    category: "bad-id",
    label: `${erase ? "DELETE body" : "GET"} ${label}`,
    method: erase ? "DELETE" : "GET",
    path: erase ? `/v1/events/${id}/body` : `/v1/events/${id}`,
    headers: { authorization: `Bearer ${ctx.key}`, ...(erase ? { "content-type": "application/json" } : {}) },
    body: erase ? JSON.stringify({ reason: "test" }) : undefined,
    allowed,
  };
};

// ---- schema violations -------------------------------------------------------------------

const schemaViolations: Generator = (rng, ctx) => {
  const event = validEvent(rng) as Record<string, Record<string, unknown>>;
  const violations: Array<[string, () => void]> = [
    ["missing schema_version", () => delete (event as Record<string, unknown>).schema_version],
    ["missing decision_id", () => delete event.decision_context!.decision_id],
    ["unknown logic_type", () => (event.decision_logic!.logic_type = "Magic")],
    ["bad timestamp", () => (event.temporal_metadata!.event_timestamp = "yesterday")],
    ["negative sequence number", () => (event.temporal_metadata!.sequence_number = -1)],
    ["unknown tier", () => (event.temporal_metadata!.evidence_tier = "platinum")],
    ["override without details", () => (event.human_override_record!.override_occurred = true)],
    ["full tier without risk level", () => (event.temporal_metadata!.evidence_tier = "full")],
    ["unsupported schema version", () => ((event as Record<string, unknown>).schema_version = "9.9.9")],
    [
      "hash chain without algorithm",
      () => delete (event.temporal_metadata!.hash_chain as Record<string, unknown>).algorithm,
    ],
  ];
  const [label, apply] = rng.pick(violations);
  apply();
  const asArray = rng.chance(0.3);
  return ingest(ctx, JSON.stringify(asArray ? [event] : event), {
    category: "schema",
    label,
    allowed: [422],
  });
};

// ---- admin bodies ------------------------------------------------------------------------

const adminBodies: Generator = (rng, ctx) => {
  const operator = { authorization: `Bearer ${ctx.adminToken}`, "content-type": "application/json" };
  const kind = rng.pick(["tenant", "key", "revoke"]);
  if (kind === "tenant") {
    const [label, body, allowed] = rng.pick<[string, string, number[]]>([
      ["broken JSON", "{", [400]],
      ["array", "[]", [400]],
      ["null", "null", [400]],
      ["empty name", '{"name":""}', [422]],
      ["numeric name", '{"name":5}', [422]],
      ["name too long", JSON.stringify({ name: "n".repeat(201) }), [422]],
      ["bad id", JSON.stringify({ name: "ok", id: "Bad Id!" }), [422]],
      ["id not a string", JSON.stringify({ name: "ok", id: 7 }), [422]],
      ["body over 64 KiB", JSON.stringify({ name: "x", pad: "p".repeat(70_000) }), [413]],
      ["name of punctuation only", JSON.stringify({ name: "!!!" }), [422]],
    ]);
    return {
      category: "admin-bodies",
      label: `tenant: ${label}`,
      method: "POST",
      path: "/v1/admin/tenants",
      headers: operator,
      body,
      allowed,
    };
  }
  if (kind === "key") {
    const [label, body, allowed] = rng.pick<[string, string, number[]]>([
      ["no scopes", "{}", [422]],
      ["empty scopes", '{"scopes":[]}', [422]],
      ["unknown scope", '{"scopes":["root"]}', [422]],
      ["scopes not an array", '{"scopes":"read"}', [422]],
      ["broken JSON", '{"scopes":', [400]],
      ["scope of the wrong type", '{"scopes":[1]}', [422]],
    ]);
    return {
      category: "admin-bodies",
      label: `key: ${label}`,
      method: "POST",
      path: `/v1/admin/tenants/${ctx.tenant}/keys`,
      headers: operator,
      body,
      allowed,
    };
  }
  const id = rng.pick(["", "x", "000000000000", "%00", "a".repeat(500), "../tenants"]);
  return {
    category: "admin-bodies",
    label: `revoke '${id.slice(0, 12)}'`,
    method: "DELETE",
    path: `/v1/admin/keys/${id}`,
    headers: operator,
    allowed: [400, 404],
  };
};

/** Categories with their relative weight: the heavy ones (megabytes a request) are drawn less. */
export const CATEGORIES: ReadonlyArray<[string, Generator, number]> = [
  ["broken-json", brokenJson, 10],
  ["wrong-types", wrongTypes, 10],
  ["deep-nesting", deepNesting, 4],
  ["huge-strings", hugeStrings, 3],
  ["bad-gzip", badGzip, 8],
  ["gzip-bomb", gzipBomb, 2],
  ["content-type", contentTypes, 8],
  ["invalid-utf8", invalidUtf8, 8],
  ["bad-auth", badAuth, 10],
  ["oversized-batch", oversized, 3],
  ["ndjson-garbage", ndjsonGarbage, 8],
  ["method-path", methodsPaths, 8],
  ["query-params", queryParams, 8],
  ["bad-id", badIds, 8],
  ["schema", schemaViolations, 8],
  ["admin-bodies", adminBodies, 5],
];

/** Draws one request: the category by weight, then the case within it. */
export function generate(rng: Prng, ctx: MalformedContext): BadRequest {
  const total = CATEGORIES.reduce((n, [, , w]) => n + w, 0);
  let roll = rng.int(0, total - 1);
  for (const [, gen, weight] of CATEGORIES) {
    if (roll < weight) return gen(rng, ctx);
    roll -= weight;
  }
  throw new Error("unreachable: weights cover the roll");
}

/** Every category at least once, then weighted draws: small runs still cover them all. */
export function generateAll(rng: Prng, ctx: MalformedContext, count: number): BadRequest[] {
  const out = CATEGORIES.map(([, gen]) => gen(rng, ctx));
  while (out.length < count) out.push(generate(rng, ctx));
  return out;
}

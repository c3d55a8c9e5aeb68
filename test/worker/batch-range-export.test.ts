// GET /v1/logs/{log}/batches?from=M&to=N: several batches in one answer, byte for byte the
// per-batch exports one after another, the stored gzip passed through, and its limits.
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, KEEP_ALL_POLICY, newTenant } from "../support/api";
import { makeEvents } from "../support/events";
import { gunzip } from "../../src/shard/bundle";
import { MAX_EXPORT_BATCHES } from "../../src/core/protocol";
import type { LogShard } from "../../src/shard/log-shard";

/** A tenant whose log 0 holds `batches` sealed batches (one per request). */
async function logOf(batches: number) {
  const t = await newTenant(undefined, { policy: KEEP_ALL_POLICY });
  for (let b = 0; b < batches; b++) {
    const res = await call("POST", "/v1/events?wait=sealed", { token: t.key, json: makeEvents(2 + b) });
    expect(res.status).toBe(200);
  }
  const [info] = (await (await call("GET", "/v1/logs", { token: t.key })).json()) as Array<{ size: number }>;
  return { t, size: info!.size };
}

const text = async (res: Response) => {
  const bytes = new Uint8Array(await res.arrayBuffer());
  // workerd's fetch may or may not decode a gzip answer: compare whichever bytes came.
  return bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzip(bytes) : new TextDecoder().decode(bytes);
};

describe("range export of batches", () => {
  it("answers batches from … to−1 as their per-batch exports back to back, as NDJSON or as the stored gzip members", async () => {
    const { t, size } = await logOf(3);
    expect(size).toBeGreaterThanOrEqual(3);
    const each = await Promise.all(
      Array.from({ length: size }, async (_, n) =>
        text(await call("GET", `/v1/logs/0/batches/${n}`, { token: t.key })),
      ),
    );
    // The stored bundles, read from the log's Durable Object.
    const stub = env.LOG_SHARD.getByName(`${t.id}/0`);
    const stored = await runInDurableObject(stub, async (shard: LogShard) =>
      Promise.all(Array.from({ length: size }, async (_, n) => (await shard.batchBundle(n))!)),
    );
    for (const [from, to] of [
      [0, size],
      [1, size],
      [0, 1],
      [1, 2],
    ] as const) {
      const plain = await call("GET", `/v1/logs/0/batches?from=${from}&to=${to}`, { token: t.key });
      expect(plain.status).toBe(200);
      expect(plain.headers.get("content-type")).toBe("application/x-ndjson");
      expect(await text(plain)).toBe(each.slice(from, to).join(""));

      const file = await call("GET", `/v1/logs/0/batches?from=${from}&to=${to}`, {
        token: t.key,
        headers: { accept: "application/gzip", "accept-encoding": "gzip" },
      });
      expect(file.status).toBe(200);
      expect(file.headers.get("content-type")).toBe("application/gzip");
      expect(file.headers.get("content-encoding")).toBeNull();
      // RFC 1952 §2.2: the members one after another, each the stored bundle of its batch.
      const members = new Uint8Array(await file.arrayBuffer());
      const want = stored.slice(from, to);
      expect(members.length).toBe(want.reduce((n, b) => n + b.length, 0));
      let at = 0;
      for (const [k, bundle] of want.entries()) {
        expect(members.subarray(at, at + bundle.length), `batch ${from + k}`).toEqual(bundle);
        expect(await gunzip(bundle)).toBe(each[from + k]);
        at += bundle.length;
      }
    }
    // Each batch starts with its header, whose count says how many event lines follow.
    const all = (await text(await call("GET", `/v1/logs/0/batches?from=0&to=${size}`, { token: t.key })))
      .slice(0, -1)
      .split("\n");
    let at = 0;
    for (let n = 0; n < size; n++) {
      const header = JSON.parse(all[at]!) as { batch: number; count: number };
      expect(header.batch).toBe(n);
      at += 1 + header.count;
    }
    expect(at).toBe(all.length);
  });

  it("refuses a range that is empty, reversed, longer than the limit or beyond the sealed batches", async () => {
    const { t, size } = await logOf(2);
    const status = async (query: string) => {
      const res = await call("GET", `/v1/logs/0/batches${query}`, { token: t.key });
      const body = (await res.json()) as { error: { code: string; message: string } };
      return [res.status, body.error.code, body.error.message] as const;
    };
    expect(await status("?from=1&to=1")).toEqual([
      400,
      "invalid_range",
      expect.stringMatching(/'to'.*above 'from'/),
    ]);
    expect(await status("?from=2&to=1")).toEqual([
      400,
      "invalid_range",
      expect.stringMatching(/from=2, to=1/),
    ]);
    expect(await status(`?from=0&to=${MAX_EXPORT_BATCHES + 1}`)).toEqual([
      400,
      "invalid_range",
      expect.stringMatching(new RegExp(`at most ${MAX_EXPORT_BATCHES} batches per request`)),
    ]);
    expect(await status(`?from=0&to=${size + 1}`)).toEqual([
      404,
      "not_found",
      expect.stringMatching(new RegExp(`batch ${size} of log`)),
    ]);
    expect(await status("?from=0")).toEqual([400, "missing_parameter", expect.stringMatching(/'to'/)]);
    expect(await status("?from=x&to=1")).toEqual([400, "invalid_parameter", expect.stringMatching(/'from'/)]);
  });
});

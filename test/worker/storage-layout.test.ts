import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, ingest, KEEP_ALL_POLICY, newTenant } from "../support/api";
import { makeEvent, makeEvents } from "../support/events";
import { canonicalJson } from "../../src/core/canonical";
import { sha256Hex } from "../../src/core/digest";
import { utf8 } from "../../src/core/bytes";
import { gunzip } from "../../src/shard/bundle";
import { loadMeta, LayoutVersionError } from "../../src/shard/meta";
import { LAYOUT_VERSION } from "../../src/shard/schema";
import type { LogShard } from "../../src/shard/log-shard";

/** Rows of each table (the per-event budget is two index rows; everything else is per request or per batch). */
function rowCounts(sql: SqlStorage): Record<string, number> {
  const tables = sql
    .exec<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\'",
    )
    .toArray();
  return Object.fromEntries(
    tables.map((t) => [t.name, sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM "${t.name}"`).one().n]),
  );
}

describe("storage layout 3", () => {
  it("stores an accepted request as one slice row plus two index rows per event, and a batch as one row", async () => {
    const t = await newTenant();
    const { body } = await ingest(t.key, makeEvents(40));
    expect(body.accepted).toBe(40);
    const stub = env.LOG_SHARD.getByName(`${t.id}/0`);
    const pending = await runInDurableObject(stub, (_i, state) => rowCounts(state.storage.sql));
    expect(pending).toMatchObject({ slices: 1, event_ids: 40, event_pairs: 40, batches: 0 });
    // Which tables exist is part of the layout: no other table may grow per event (the
    // experiment tables grow per A/B exposure record only, and these events are none; the
    // witness tables grow per checkpoint and witness).
    expect(Object.keys(pending).sort()).toEqual(
      [
        "batches",
        "checkpoints",
        "cosignatures",
        "erasures",
        "event_ids",
        "event_pairs",
        "experiment_hours",
        "experiment_subjects",
        "meta",
        "producers",
        "retention_runs",
        "slices",
        "stats_totals",
        "tree_nodes",
        "witness_progress",
      ].sort(),
    );
    expect(pending).toMatchObject({
      experiment_hours: 0,
      experiment_subjects: 0,
      stats_totals: 0,
      cosignatures: 0,
    });
    const indexes = await runInDurableObject(stub, (_i, state) =>
      state.storage.sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
        .toArray()
        .map((r) => r.name),
    );
    expect(indexes).toEqual(["batches_by_first_seq"]);
    await ingest(t.key, makeEvents(1), "?wait=sealed");
    const sealed = await runInDurableObject(stub, (_i, state) => rowCounts(state.storage.sql));
    expect(sealed).toMatchObject({ slices: 0, event_ids: 41, event_pairs: 41, batches: 1 });
  });

  it("writes at most 2.1 billed rows per event, ingest and seal together", async () => {
    const t = await newTenant();
    const stub = env.LOG_SHARD.getByName(`${t.id}/0`);
    // Measure what the shard's own statements write: wrap its SqlStorage and sum every cursor.
    const written = await runInDurableObject(stub, async (instance, state) => {
      const sql = state.storage.sql;
      let rows = 0;
      const cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = [];
      const original = sql.exec.bind(sql);
      (sql as { exec: typeof sql.exec }).exec = ((query: string, ...params: unknown[]) => {
        const c = original(query, ...(params as SqlStorageValue[]));
        cursors.push(c);
        return c;
      }) as typeof sql.exec;
      try {
        const log = { tenant: t.id, shard: 0, origin: `edgelog.localhost/${t.id}/0` };
        // Requests of 125 events sealed by size every second request: no alarm is needed.
        const settings = {
          batchMax: 250,
          batchMs: 60_000,
          retentionDays: 0,
          maxPending: 50_000,
          archiveKeepBatches: 0,
        };
        const { prepareItem } = await import("../../src/worker/ingest/prepare");
        const { compilePolicy } = await import("../../src/core/policy");
        for (let r = 0; r < 8; r++) {
          const prepared = [];
          for (const [index, value] of makeEvents(125).entries()) {
            const p = await prepareItem(
              { index, value },
              {
                maxEventBytes: 65536,
                policy: compilePolicy({ rules: [], default: { tier: "full" } }),
                maskSalt: new Uint8Array(32),
                producer: "rows-test",
                maxFutureSkewMs: 300_000,
                now: Date.now(),
              },
            );
            if (!p.ok) throw new Error(JSON.stringify(p.errors));
            prepared.push(p.event);
          }
          await instance.append(log, settings, prepared, { waitSealed: r === 7 });
        }
      } finally {
        (sql as { exec: typeof sql.exec }).exec = original;
      }
      for (const c of cursors) {
        c.toArray();
        rows += c.rowsWritten;
      }
      return rows;
    });
    expect(written / 1000).toBeLessThanOrEqual(2.1);
    expect(written / 1000).toBeGreaterThanOrEqual(2);
  });

  it("exports a batch as stored: gzip passthrough, canonical envelopes and bodies, one line per event", async () => {
    const t = await newTenant(undefined, { policy: KEEP_ALL_POLICY });
    const sent = [makeEvent({ tier: "full" }), makeEvent({ tier: "full" })];
    // Member order and spacing the producer chose: the stored text is the RFC 8785 form anyway.
    const raw = `[${sent.map((e) => JSON.stringify(e, null, 1)).join(",")}]`;
    const res = await call("POST", "/v1/events?wait=sealed", {
      token: t.key,
      body: raw,
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(200);
    const zipped = await call("GET", "/v1/logs/0/batches/0", {
      token: t.key,
      headers: { "accept-encoding": "gzip" },
    });
    expect(zipped.headers.get("content-encoding")).toBe("gzip");
    const plain = await call("GET", "/v1/logs/0/batches/0", { token: t.key });
    expect(plain.headers.get("content-encoding")).toBeNull();
    const text = await plain.text();
    // workerd's fetch may or may not decode the gzip answer: compare against whichever bytes came.
    const bytes = new Uint8Array(await zipped.arrayBuffer());
    const unzipped =
      bytes[0] === 0x1f && bytes[1] === 0x8b ? await gunzip(bytes) : new TextDecoder().decode(bytes);
    expect(unzipped).toBe(text);
    expect(text.endsWith("\n")).toBe(true);
    const lines = text.slice(0, -1).split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(canonicalJson(JSON.parse(lines[0]!)));
    for (const [i, line] of lines.slice(1).entries()) {
      const parsed = JSON.parse(line) as { envelope: { digest: string }; event: unknown };
      const body = canonicalJson(sent[i]);
      expect(line).toBe(`{"envelope":${canonicalJson(parsed.envelope)},"event":${body}}`);
      expect(parsed.envelope.digest).toBe(`sha256:${await sha256Hex(utf8(body))}`);
    }
    // The single event answers the same bytes.
    const id = (JSON.parse(lines[1]!) as { envelope: { id: string } }).envelope.id;
    const one = await (await call("GET", `/v1/events/${id}`, { token: t.key })).text();
    expect(one.startsWith(lines[1]!.slice(0, -1) + ",")).toBe(true);
  });

  it("records its layout version and refuses a database of another one, naming both", async () => {
    const t = await newTenant();
    await ingest(t.key, makeEvents(2), "?wait=sealed");
    const stub = env.LOG_SHARD.getByName(`${t.id}/0`);
    const stamped = await runInDurableObject(
      stub,
      (_i, state) => state.storage.sql.exec<{ v: number }>("SELECT v FROM meta WHERE k = 'layout'").one().v,
    );
    expect(stamped).toBe(LAYOUT_VERSION);
    await runInDurableObject(stub, (_i, state) => {
      state.storage.sql.exec("UPDATE meta SET v = 99 WHERE k = 'layout'");
      let error: unknown = null;
      try {
        loadMeta(state.storage.sql);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(LayoutVersionError);
      expect(error).toMatchObject({ expected: LAYOUT_VERSION, found: "99" });
    });
    // A restarted object on that database answers every call with the error (called in place:
    // an error crossing RPC is also reported as uncaught by the test pool).
    await evictDurableObject(stub);
    const answered = await runInDurableObject(stub, (instance: LogShard) => {
      try {
        instance.info();
        return "no error";
      } catch (err) {
        return (err as Error).message;
      }
    });
    expect(answered).toMatch(/storage layout 99; this version of edgelog reads layout 3/);
  });
});

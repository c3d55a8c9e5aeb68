/**
 * The shard's SQLite write-ahead log stays bounded under sustained ingest (README, Storage).
 * SQLite can only checkpoint the WAL up to its oldest open reader; a query cursor left open
 * after a partial read keeps its reader, and then every page the shard writes stays in the WAL:
 * it grew by about 200 MB a minute under load (and by 44 MiB in this test), and every page lookup
 * searched it. Measured on the real server's files: after tens of batches are sealed under
 * concurrent appends, the LogShard's WAL must be no larger than a checkpoint interval (1,000
 * pages) and the requests in progress, with room to spare (measured: 4.9 MiB).
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProducer } from "../../../src/client/des-builder";
import { devTenant, startDev, type DevServer } from "../support/wrangler-dev";

const MiB = 1024 * 1024;
/** SQLite checkpoints every 1,000 pages (4 KiB each): 4 MiB, plus the request in progress. */
const WAL_BOUND = 12 * MiB;
const REQUESTS = 120;
const CLIENTS = 8;
const EVENTS_PER_REQUEST = 200;

/** Size of every `*.sqlite-wal` of the LogShard namespace under `persistDir`. */
function shardWalBytes(persistDir: string): number {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
    );
  const wals = walk(persistDir).filter((f) => f.includes("LogShard") && f.endsWith(".sqlite-wal"));
  if (wals.length === 0) throw new Error(`no LogShard WAL under ${persistDir}`);
  return wals.reduce((sum, f) => sum + statSync(f).size, 0);
}

describe("the LogShard's write-ahead log under sustained ingest", () => {
  let dev: DevServer;
  let key: string;

  beforeAll(async () => {
    dev = await startDev();
    key = (await devTenant(dev.url, "wal")).key;
  }, 90_000);
  afterAll(async () => {
    await dev?.stop();
  });

  it("stays within a checkpoint interval while tens of batches are sealed", async () => {
    const producer = createProducer({
      producerId: "wal-test",
      decisionType: "credit",
      logicType: "rule_based",
    });
    let accepted = 0;
    // Concurrent clients, as under production load: seals then interleave with appends.
    let next = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        for (let r = next++; r < REQUESTS; r = next++) {
          const events = await Promise.all(
            Array.from({ length: EVENTS_PER_REQUEST }, (_, i) =>
              producer.event({
                decisionId: `wal-${r}-${i}`,
                output: "approve",
                tier: "full",
                riskLevel: "low",
              }),
            ),
          );
          const res = await fetch(`${dev.url}/v1/events`, {
            method: "POST",
            headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
            body: JSON.stringify(events),
          });
          expect(res.status).toBe(200);
          const answer = (await res.json()) as { accepted: number };
          accepted += answer.accepted;
        }
      }),
    );
    expect(accepted).toBe(REQUESTS * EVENTS_PER_REQUEST);
    // Everything sealed: the last seals' writes are in.
    for (let i = 0; i < 100; i++) {
      const logs = (await (
        await fetch(`${dev.url}/v1/logs`, { headers: { authorization: `Bearer ${key}` } })
      ).json()) as Array<{ pending: number; events: number }>;
      if (logs[0]!.pending === 0 && logs[0]!.events === accepted) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const wal = shardWalBytes(dev.persistDir);
    expect(wal, `LogShard WAL is ${(wal / MiB).toFixed(1)} MiB`).toBeLessThan(WAL_BOUND);
  }, 240_000);
});

/**
 * Crash consistency of the real server: clients ingest continuously into `wrangler dev` while
 * its whole process group is killed with SIGKILL at random moments, then it restarts on the same
 * persisted state. After every restart: each acknowledged event is retrievable at the seq it was
 * acknowledged with and carries a proof that verifies against the unchanged log key; no event is
 * stored twice and sequence numbers stay dense (the full export is re-audited); and the new
 * checkpoint is consistent with every checkpoint seen before the crash.
 *
 * The seed is printed; `EDGELOG_RELIABILITY_SEED=<seed>` replays the same workload and kill delays.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { verifierFromVkey } from "../../../src/core/note";
import { makeEvent } from "../../support/events";
import { devTenant, freePort, groupGone, killGroup, startDev, type DevServer } from "../support/wrangler-dev";
import { getText, mapLimit, sleep, type Caller } from "./support/caller";
import { eventId, IngestLedger } from "./support/ingest-ledger";
import { runWriter, type WriterStats } from "./support/ingest-writer";
import {
  auditLog,
  checkConsistent,
  fetchVerifiedEvent,
  readCheckpoint,
  waitUntilSealed,
  type SeenCheckpoint,
} from "./support/log-audit";
import { bySize, runSeed } from "./support/mode";
import { Prng } from "./support/prng";

const CYCLES = bySize(2, 12);
const WRITERS = bySize(3, 4);
const BATCH_SIZE = 20;
/** The kill lands this long after the writers start (drawn uniformly from the seed). */
const KILL_AFTER_MS: [number, number] = bySize([150, 900], [100, 2500]);
/**
 * Events fetched one by one with their proof after each restart: those acknowledged in the cycle
 * (all of them in the full run, a sample in the reduced one) and a sample of older ones. The
 * export audit covers every event either way.
 */
const FRESH_SAMPLE = bySize(400, Number.POSITIVE_INFINITY);
const OLD_SAMPLE = bySize(30, 300);
const SEAL_TIMEOUT_MS = 10_000;
/**
 * Smaller batches than the default, so that seals by size and by time both happen often and a
 * kill lands near one more often; and only the last 2 batches' bodies kept in SQLite, so that
 * archiving to R2 and dropping archived bodies from SQLite run (and get killed) too.
 */
const DEV_VARS = { BATCH_MAX: "64", ARCHIVE_KEEP_BATCHES: "2" };

async function killHard(dev: DevServer): Promise<void> {
  const child = dev.process;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  killGroup(child, "SIGKILL");
  await exited;
  // workerd (wrangler's child) may outlive wrangler for a moment, still holding its sockets and
  // SQLite files: a restart before it is gone fails with "Address already in use".
  await groupGone(child);
}

/** Restarts on the same state; on the same port when `samePort` and it is free again. */
async function restart(persistDir: string, previous: DevServer, samePort: boolean): Promise<DevServer> {
  if (samePort) {
    try {
      return await startDev({ persistDir, port: previous.port, vars: DEV_VARS });
    } catch (err) {
      console.warn(`restart on port ${previous.port} failed, using a new port: ${String(err).slice(0, 200)}`);
    }
  }
  return startDev({ persistDir, port: await freePort(), vars: DEV_VARS });
}

describe("crash consistency under SIGKILL (wrangler dev)", () => {
  const persistDir = mkdtempSync(join(tmpdir(), "edgelog-crash-"));
  let dev: DevServer | undefined;

  afterAll(async () => {
    await dev?.stop("SIGKILL");
    rmSync(persistDir, { recursive: true, force: true });
  });

  it(
    `keeps every acknowledged event, once, with valid proofs, across ${CYCLES} kills`,
    { timeout: bySize(110_000, 1_200_000) },
    async () => {
      const seed = runSeed();
      console.log(
        `crash test seed ${seed} (replay: EDGELOG_RELIABILITY_SEED=${seed}); ${CYCLES} cycles, ${WRITERS} writers`,
      );
      const rng = new Prng(seed);
      dev = await startDev({ persistDir, vars: DEV_VARS });
      const { key } = await devTenant(dev.url, "crash");
      const caller: Caller = { url: dev.url, key };
      const ledger = new IngestLedger();

      // One sealed event first, so the log exists and its key and first checkpoint are known.
      const firstEvent = makeEvent({ decisionId: `s${seed}-first` });
      const first = await fetch(`${dev.url}/v1/events?wait=sealed`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify(firstEvent),
      });
      expect(first.status).toBe(200);
      const firstResult = ((await first.json()) as { results: Array<{ id: string; seq: number }> })
        .results[0]!;
      const vkeyAnswer = await getText(caller, "/v1/logs/0/key");
      expect(vkeyAnswer.status).toBe(200);
      const vkey = vkeyAnswer.body.trim();
      const verifier = await verifierFromVkey(vkey);
      ledger.noteSent({ id: await eventId(firstEvent), event: firstEvent });
      ledger.noteAck(firstResult.id, firstResult.seq, "first event");
      let lastVerified: SeenCheckpoint | null = await readCheckpoint(caller, verifier);
      expect(lastVerified?.size).toBe(1);
      const totals: WriterStats = { requests: 0, acknowledged: 0, unanswered: 0, waitSealed: 0 };

      for (let cycle = 0; cycle < CYCLES; cycle++) {
        // --- ingest until killed ---
        let stopping = false;
        const seen: SeenCheckpoint[] = [];
        const writers = Array.from({ length: WRITERS }, (_, w) =>
          runWriter({
            caller,
            ledger,
            rng: rng.fork(),
            label: `s${seed}-c${cycle}-w${w}`,
            batchSize: BATCH_SIZE,
            shouldStop: () => stopping,
          }),
        );
        const watcher = (async () => {
          while (!stopping) {
            try {
              const cp = await readCheckpoint(caller, verifier);
              if (cp && !stopping) seen.push(cp);
            } catch (err) {
              if (!stopping) ledger.violations.push(`reading the checkpoint while up: ${String(err)}`);
            }
            await sleep(100);
          }
        })();
        const killAfter = rng.int(KILL_AFTER_MS[0], KILL_AFTER_MS[1]);
        await sleep(killAfter);
        stopping = true;
        await killHard(dev);
        const stats = await Promise.all(writers);
        await watcher;
        for (const s of stats)
          for (const k of Object.keys(totals) as (keyof WriterStats)[]) totals[k] += s[k];

        // --- restart on the same state and check everything ---
        const t0 = Date.now();
        dev = await restart(persistDir, dev, cycle % 2 === 0);
        const t1 = Date.now();
        caller.url = dev.url;
        expect(ledger.violations, `answers before the kill in cycle ${cycle}`).toEqual([]);
        const keyNow = await getText(caller, "/v1/logs/0/key");
        expect(keyNow.status).toBe(200);
        expect(keyNow.body.trim(), "the log key is the same after a restart").toBe(vkey);

        await waitUntilSealed(caller, SEAL_TIMEOUT_MS);
        const t2 = Date.now();
        const snap = await auditLog(caller, verifier);
        const lost = [...ledger.acked].filter(([id, seq]) => snap.seqOf.get(id) !== seq);
        expect(
          lost.map(([id, seq]) => `${id} acked at seq ${seq}, stored at ${snap.seqOf.get(id) ?? "nowhere"}`),
          "acknowledged events after the kill",
        ).toEqual([]);
        const phantoms = [...snap.seqOf.keys()].filter((id) => !ledger.wasSent(id));
        expect(phantoms, "stored events that were never sent").toEqual([]);

        const fresh = ledger.takeFresh();
        const freshSet = new Set(fresh);
        const older = [...ledger.acked.keys()].filter((id) => !freshSet.has(id));
        const freshChecked =
          fresh.length <= FRESH_SAMPLE ? fresh : Array.from({ length: FRESH_SAMPLE }, () => rng.pick(fresh));
        const sample = Array.from({ length: Math.min(OLD_SAMPLE, older.length) }, () => rng.pick(older));
        await mapLimit([...freshChecked, ...sample], 16, async (id) => {
          const { doc, checkpoint } = await fetchVerifiedEvent(caller, id, verifier, SEAL_TIMEOUT_MS);
          expect(doc.envelope.seq, `seq of ${id}`).toBe(ledger.acked.get(id));
          expect(checkpoint.size, `proof of ${id} is anchored to the latest checkpoint`).toBe(
            snap.checkpoint!.size,
          );
        });

        const t3 = Date.now();
        const current = snap.checkpoint!;
        const earlier = lastVerified ? [lastVerified, ...seen] : seen;
        for (const cp of earlier) await checkConsistent(caller, cp, current);
        lastVerified = current;
        console.log(
          `cycle ${cycle}: killed after ${killAfter} ms; ${fresh.length} newly acknowledged (${freshChecked.length} fetched with proofs), ${snap.seqOf.size} stored, ` +
            `${current.size} batches, ${seen.length} checkpoints seen before the kill checked for consistency ` +
            `(restart ${t1 - t0} ms, sealing ${t2 - t1} ms, audit and proofs ${t3 - t2} ms, consistency ${Date.now() - t3} ms)`,
        );
      }
      console.log(
        `crash totals: ${totals.requests} requests (${totals.waitSealed} with ?wait=sealed), ${totals.acknowledged} acknowledgements, ` +
          `${totals.unanswered} cut off by a kill; ${ledger.acked.size} distinct events acknowledged, ${ledger.sent.length} sent`,
      );
      expect(ledger.acked.size).toBeGreaterThan(0);
      expect(totals.unanswered, "some kill landed while a request was in flight").toBeGreaterThan(0);
    },
  );
});

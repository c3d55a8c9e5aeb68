// A real log (`wrangler dev`) and a real `edgelog witness` process against each other over
// HTTP on loopback: checkpoints get cosigned; a forked log (same key and origin, another
// history) is refused by the witness and flagged by `edgelog audit --tiles`; a verifier
// demanding a quorum the checkpoint lacks fails with a clear message; a down witness never
// holds up ingest.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  formatVerifierKey,
  parseSigningKey,
  signerFromSeed,
  verifyCosignatures,
  parseCosignerVkey,
  cosignerFromSeed,
  formatCosignerVkey,
} from "../../src/core/note";
import {
  DEV_ADMIN_TOKEN,
  DEV_SIGNING_KEY,
  devTenant,
  freePort,
  startDev,
  type DevServer,
} from "./support/wrangler-dev";
import { desEvents, runCli, toNdjson } from "./support/cli";
import { startWitness, until, type Witness } from "./support/witness";

describe("witness cosigning with a real log and a real witness", () => {
  const dir = mkdtempSync(join(tmpdir(), "edgelog-witness-"));
  let a: DevServer;
  let b: DevServer;
  let witness: Witness;
  let keyA = "";
  let keyB = "";
  let logVkey = "";
  /** A witness that nobody runs: its URL refuses connections. */
  let downVkey = "";
  let downUrl = "";
  const TENANT = "witnessed";
  const origin = `edgelog.localhost/${TENANT}/0`;

  const api = async (dev: DevServer, key: string, path: string, init: RequestInit = {}) => {
    const res = await fetch(`${dev.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${key}`, ...init.headers },
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res;
  };
  const ingest = async (dev: DevServer, key: string, prefix: string, requests: number) => {
    const ids: string[] = [];
    for (let r = 0; r < requests; r++) {
      const body = toNdjson(desEvents(5, { prefix }, r * 5));
      const res = await api(dev, key, "/v1/events?wait=sealed", {
        method: "POST",
        headers: { "content-type": "application/x-ndjson" },
        body,
      });
      ids.push(...((await res.json()) as { results: Array<{ id: string }> }).results.map((x) => x.id));
    }
    return ids;
  };
  const configure = async (dev: DevServer, witnesses: Array<{ vkey: string; url: string }>) => {
    const res = await fetch(`${dev.url}/v1/admin/tenants/${TENANT}/open`, {
      method: "PUT",
      headers: { authorization: `Bearer ${DEV_ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ tiles: "public", witnesses }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
  };
  const cosignedCheckpoint = (dev: DevServer) =>
    until("a cosigned checkpoint", async () => {
      const note = await (await fetch(`${dev.url}/v1/tiles/${TENANT}/0/checkpoint`)).text();
      const valid = await verifyCosignatures(note, [parseCosignerVkey(witness.vkey)]);
      return valid.length > 0 ? note : null;
    });

  beforeAll(async () => {
    logVkey = formatVerifierKey(
      origin,
      (await signerFromSeed(origin, parseSigningKey(DEV_SIGNING_KEY))).publicKey,
    );
    writeFileSync(join(dir, "log.vkey"), `${logVkey}\n`);
    witness = await startWitness(dir, logVkey);
    const down = await cosignerFromSeed("witness.test/down", new Uint8Array(32).fill(7));
    downVkey = formatCosignerVkey(down.name, down.publicKey);
    downUrl = `http://127.0.0.1:${await freePort()}`;
    [a, b] = await Promise.all([startDev(), startDev()]);
    keyA = (await devTenant(a.url, TENANT)).key;
    keyB = (await devTenant(b.url, TENANT)).key;
  }, 180_000);

  afterAll(async () => {
    witness?.process.kill("SIGTERM");
    await Promise.all([a?.stop(), b?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("cosigns the log's checkpoints; the proof verifies with a quorum it has and fails one it lacks", async () => {
    await configure(a, [
      { vkey: witness.vkey, url: witness.url },
      { vkey: downVkey, url: downUrl },
    ]);
    const started = Date.now();
    const ids = await ingest(a, keyA, "a", 3);
    // A down witness does not hold up ingest and sealing: three sealed requests in well under its backoff.
    expect(Date.now() - started).toBeLessThan(15_000);
    const note = await cosignedCheckpoint(a);
    expect(note.split("\n")[1]).toBe("3");
    expect(await (await api(a, keyA, "/v1/logs/0/checkpoint")).text()).toBe(note);

    const status = (await (await api(a, keyA, "/v1/logs/0/witnesses")).json()) as Array<{
      witness: string;
      size: number;
      status: string;
    }>;
    expect(status.find((s) => s.witness === "witness.test/w1")).toMatchObject({ size: 3, status: "ok" });
    expect(status.find((s) => s.witness === "witness.test/down")?.status).toMatch(/^error: /);

    const proofFile = join(dir, "proof.json");
    writeFileSync(proofFile, await (await api(a, keyA, `/v1/events/${ids[ids.length - 1]}`)).text());
    const ok = await runCli([
      "verify",
      proofFile,
      "--vkey",
      logVkey,
      "--witness",
      witness.vkey,
      "--quorum",
      "1",
    ]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toContain("cosignatures");
    const short = await runCli([
      "verify",
      proofFile,
      "--vkey",
      logVkey,
      "--witness",
      witness.vkey,
      "--witness",
      downVkey,
      "--quorum",
      "2",
    ]);
    expect(short.code).toBe(1);
    expect(short.stdout).toContain(
      "the checkpoint carries 1 valid cosignature from the given witnesses, short of the quorum of 2 of 2",
    );

    // The witness's monitoring view holds the same checkpoint.
    const { createHash } = await import("node:crypto");
    const monitored = await (
      await fetch(`${witness.url}/${createHash("sha256").update(origin).digest("hex")}/checkpoint`)
    ).text();
    expect(monitored.split("\n").slice(0, 3)).toEqual(note.split("\n").slice(0, 3));

    const audit = await runCli([
      "audit",
      "--tiles",
      `${a.url}/v1/tiles/${TENANT}/0`,
      "--vkey",
      join(dir, "log.vkey"),
      "--state",
      join(dir, "audit-a.json"),
      "--json",
    ]);
    expect(audit.code, audit.stdout + audit.stderr).toBe(0);
  });

  it("refuses a fork with the same key and origin, and the tiles audit flags it", async () => {
    // Log B: the same signing key and origin, its own history, and more of it.
    await ingest(b, keyB, "b", 5);
    await configure(b, [{ vkey: witness.vkey, url: witness.url }]);
    await ingest(b, keyB, "b2", 1);
    const status = await until("the witness to refuse log B", async () => {
      const s = (await (await api(b, keyB, "/v1/logs/0/witnesses")).json()) as Array<{
        status: string;
        size: number;
      }>;
      return s[0]?.status.startsWith("error: 422") ? s[0] : null;
    });
    // B learned the witness's size (A's 3) from the 409, then its proof from 3 failed.
    expect(status.size).toBe(3);
    expect(witness.stderr()).toContain("409: old size 0, latest cosigned 3");
    expect(witness.stderr()).toMatch(/422: consistency proof from 3 to [56] does not verify/);
    const noteB = await (await fetch(`${b.url}/v1/tiles/${TENANT}/0/checkpoint`)).text();
    expect(await verifyCosignatures(noteB, [parseCosignerVkey(witness.vkey)])).toEqual([]);
    const witnessState = JSON.parse(readFileSync(join(dir, "witness.json"), "utf8")) as {
      logs: Record<string, { size: number }>;
    };
    expect(witnessState.logs[origin]!.size).toBe(3);

    // An auditor that audited A, shown B: the consistency check fails.
    copyFileSync(join(dir, "audit-a.json"), join(dir, "audit-split.json"));
    const audit = await runCli([
      "audit",
      "--tiles",
      `${b.url}/v1/tiles/${TENANT}/0`,
      "--vkey",
      join(dir, "log.vkey"),
      "--state",
      join(dir, "audit-split.json"),
      "--json",
    ]);
    expect(audit.code, audit.stdout + audit.stderr).toBe(1);
    const json = JSON.parse(audit.stdout) as {
      ok: boolean;
      error: { step: string; from: number; to: number };
    };
    expect(json.error).toMatchObject({ step: "consistency", from: 3, to: 6 });
  });
});

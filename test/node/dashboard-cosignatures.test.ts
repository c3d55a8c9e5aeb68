// The dashboard's witness cosignatures, in real headless Chromium: a real log (`wrangler dev`)
// and a real `edgelog witness` process cosign checkpoints; the page checks each cosignature in
// the browser against the key the server lists or a witness key the user pinned, and says which
// witnesses did not cosign and which cosignature does not verify. The pure check is also run in
// Node against tampered notes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { openWatchedPage, testBrowser } from "./support/browser";
import {
  DEV_ADMIN_TOKEN,
  DEV_SIGNING_KEY,
  devTenant,
  freePort,
  startDev,
  type DevServer,
} from "./support/wrangler-dev";
import { desEvents, toNdjson } from "./support/cli";
import { startWitness, until, type Witness } from "./support/witness";
import {
  cosignerFromSeed,
  formatCosignerVkey,
  formatVerifierKey,
  parseCosignerVkey,
  parseSigningKey,
  signerFromSeed,
  signNote,
  verifyCosignatures,
} from "../../src/core/note";
import { checkCosignatures } from "../../src/dashboard/cosignature-check";
import { parsePins } from "../../src/dashboard/pinned-keys";

const UI_TIMEOUT = 20_000;
const TENANT = "cosigned";
const ORIGIN = `edgelog.localhost/${TENANT}/0`;
const WITNESS = "witness.test/dash";
const DOWN = "witness.test/down";

describe("witness cosignatures in the dashboard (Chromium, wrangler dev, edgelog witness)", () => {
  const dir = mkdtempSync(join(tmpdir(), "edgelog-dash-witness-"));
  const profile = mkdtempSync(join(tmpdir(), "edgelog-chromium-"));
  let dev: DevServer;
  let witness: Witness;
  let key = "";
  let downVkey = "";
  let context: BrowserContext | undefined;
  let missingBrowser: string | null = null;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const logVkey = formatVerifierKey(
      ORIGIN,
      (await signerFromSeed(ORIGIN, parseSigningKey(DEV_SIGNING_KEY))).publicKey,
    );
    witness = await startWitness(dir, logVkey, WITNESS);
    const down = await cosignerFromSeed(DOWN, new Uint8Array(32).fill(9));
    downVkey = formatCosignerVkey(down.name, down.publicKey);
    dev = await startDev();
    ({ key } = await devTenant(dev.url, TENANT));
    const put = await fetch(`${dev.url}/v1/admin/tenants/${TENANT}/open`, {
      method: "PUT",
      headers: { authorization: `Bearer ${DEV_ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({
        tiles: "key",
        witnesses: [
          { vkey: witness.vkey, url: witness.url },
          { vkey: downVkey, url: `http://127.0.0.1:${await freePort()}` },
        ],
      }),
    });
    if (put.status !== 200) throw new Error(`open settings: ${put.status} ${await put.text()}`);
    for (let r = 0; r < 2; r++) {
      const res = await fetch(`${dev.url}/v1/events?wait=sealed`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/x-ndjson" },
        body: toNdjson(desEvents(4, { prefix: "cosig" }, r * 4)),
      });
      if (res.status !== 200) throw new Error(`ingest: ${res.status} ${await res.text()}`);
    }
    // The witness cosigns the latest checkpoint (size 2) shortly after it is signed.
    await until(
      "a cosigned checkpoint of size 2",
      async () => {
        const note = await (
          await fetch(`${dev.url}/v1/logs/0/checkpoint`, { headers: { authorization: `Bearer ${key}` } })
        ).text();
        const ok = note.split("\n")[1] === "2";
        return ok && (await verifyCosignatures(note, [parseCosignerVkey(witness.vkey)])).length > 0
          ? note
          : null;
      },
      60_000,
    );
    const browser = await testBrowser().catch((err: Error) => {
      missingBrowser = `no browser: ${err.message}`;
      return null;
    });
    if (!browser) return;
    context = await chromium.launchPersistentContext(profile, {
      executablePath: browser.executablePath,
      args: browser.args,
      env: browser.env,
      viewport: { width: 1360, height: 900 },
    });
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    witness?.process.kill("SIGTERM");
    await dev?.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  });

  async function signedIn(): Promise<Page> {
    if (!context) throw new Error(missingBrowser ?? "the browser did not start");
    const page = await openWatchedPage(context, `${dev.url}/`, pageErrors);
    await page.getByLabel("Read key").fill(key);
    await page.getByRole("button", { name: "Sign in" }).click();
    return page;
  }

  const witnessItem = (page: Page, name: string) =>
    page.locator(`#checkpoints .checkpoint[data-log="0"] .cosignatures li[data-witness="${name}"]`);

  it("shows each witness's cosignature verified in the browser, and the witness that did not cosign", async () => {
    const page = await signedIn();
    const block = page.locator('#checkpoints .checkpoint[data-log="0"] .cosignatures');
    await block.and(page.locator('[data-cosigned="1"]')).waitFor({ timeout: UI_TIMEOUT });
    expect(await block.getAttribute("data-witnesses")).toBe("2");
    expect(await block.textContent()).toContain("1 of 2 witnesses cosigned this checkpoint");

    const cosigned = witnessItem(page, WITNESS);
    expect(await cosigned.getAttribute("data-state")).toBe("verified");
    expect(await cosigned.getAttribute("data-key-source")).toBe("server");
    expect(await cosigned.textContent()).toContain("cosignature verified (Ed25519, in this browser)");
    expect(await cosigned.textContent()).toContain(parseCosignerVkey(witness.vkey).name);
    expect(await cosigned.textContent()).toMatch(/last answer: ok/);

    const down = witnessItem(page, DOWN);
    expect(await down.getAttribute("data-state")).toBe("absent");
    expect(await down.textContent()).toContain("no cosignature on this checkpoint");
    expect(await down.textContent()).toMatch(/last answer: error: |not asked yet/);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it("checks against a pinned witness key instead of the listed one, and fails a key the cosignature is not by", async () => {
    const page = await signedIn();
    await witnessItem(page, WITNESS)
      .and(page.locator('[data-state="verified"]'))
      .waitFor({ timeout: UI_TIMEOUT });

    // A key in the witness's name that the witness does not hold.
    const impostor = await cosignerFromSeed(WITNESS, new Uint8Array(32).fill(5));
    await page.getByLabel("Pinned verifier keys").fill(formatCosignerVkey(WITNESS, impostor.publicKey));
    await page.getByRole("button", { name: "Pin keys" }).click();
    await page.locator('#pins[data-count="1"]').waitFor({ timeout: UI_TIMEOUT });
    const pinnedWrong = witnessItem(page, WITNESS).and(page.locator('[data-key-source="pinned"]'));
    await pinnedWrong.waitFor({ timeout: UI_TIMEOUT });
    expect(await pinnedWrong.getAttribute("data-state")).toBe("failed");
    expect(await pinnedWrong.textContent()).toContain(
      `a cosignature line names ${WITNESS} but is not by key`,
    );
    expect(
      await page
        .locator('#checkpoints .checkpoint[data-log="0"] .cosignatures')
        .getAttribute("data-cosigned"),
    ).toBe("0");

    // The witness's real key, as `edgelog witness` printed it: verified against the pin.
    await page.getByLabel("Pinned verifier keys").fill(witness.vkey);
    await page.getByRole("button", { name: "Pin keys" }).click();
    await witnessItem(page, WITNESS)
      .and(page.locator('[data-key-source="pinned"][data-state="verified"]'))
      .waitFor({ timeout: UI_TIMEOUT });
    expect(await witnessItem(page, WITNESS).textContent()).toContain("(key pinned by you)");
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});

describe("checkCosignatures (the page's check, in Node)", () => {
  it("verifies, reports absent and tampered cosignatures, and names signers it did not check", async () => {
    const log = await signerFromSeed("log.example/0", new Uint8Array(32).fill(1));
    const w1 = await cosignerFromSeed("w.example/1", new Uint8Array(32).fill(2));
    const w2 = await cosignerFromSeed("w.example/2", new Uint8Array(32).fill(3));
    const w3 = await cosignerFromSeed("w.example/3", new Uint8Array(32).fill(4));
    const text = "log.example/0\n7\nq6eYJnMj3q0n0PtXvU5X6kGz2aTt1PZ8Xb2uBf6Yt3Y=\n";
    const signed = await signNote(text, [log]);
    const note = signed + (await w1.cosign(text, 1_700_000_000)) + (await w3.cosign(text, 1_700_000_001));
    const listed = [w1, w2].map((w) => ({
      witness: w.name,
      vkey: formatCosignerVkey(w.name, w.publicKey),
      size: 7,
      status: "ok",
    }));

    const report = await checkCosignatures(note, "log.example/0", listed, []);
    expect(report.verified).toBe(1);
    expect(report.witnesses.map((c) => [c.name, c.verdict.state, c.source])).toEqual([
      ["w.example/1", "verified", "server"],
      ["w.example/2", "absent", "server"],
    ]);
    expect(report.witnesses[0]!.verdict).toEqual({ state: "verified", timestamp: 1_700_000_000 });
    expect(report.otherSigners).toEqual(["w.example/3"]);

    // One flipped byte in w1's signature: that line now fails, it is not merely absent.
    const lines = note.split("\n");
    const at = lines.findIndex((l) => l.startsWith("\u2014 w.example/1 "));
    const b64 = lines[at]!.split(" ")[2]!;
    const bytes = Buffer.from(b64, "base64");
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1;
    lines[at] = `\u2014 w.example/1 ${bytes.toString("base64")}`;
    const tampered = await checkCosignatures(lines.join("\n"), "log.example/0", listed, []);
    expect(tampered.verified).toBe(0);
    expect(tampered.witnesses[0]!.verdict.state).toBe("failed");

    // A pinned key replaces the listed one; a pinned witness the server does not list is checked too.
    const pins = await parsePins(formatCosignerVkey(w3.name, w3.publicKey));
    expect(pins[0]!.kind).toBe("witness");
    const pinned = pins.flatMap((p) => (p.kind === "witness" ? [p.cosigner] : []));
    const withPin = await checkCosignatures(note, "log.example/0", listed, pinned);
    expect(withPin.witnesses.map((c) => [c.name, c.verdict.state, c.source])).toEqual([
      ["w.example/1", "verified", "server"],
      ["w.example/2", "absent", "server"],
      ["w.example/3", "verified", "pinned"],
    ]);
    expect(withPin.verified).toBe(2);
    expect(withPin.otherSigners).toEqual([]);
  });

  it("pins a signer key and a witness key of the same name, and refuses two witness keys for one name", async () => {
    const w = await cosignerFromSeed("same.example/x", new Uint8Array(32).fill(6));
    const other = await cosignerFromSeed("same.example/x", new Uint8Array(32).fill(8));
    const s = await signerFromSeed("same.example/x", new Uint8Array(32).fill(6));
    const both = await parsePins(
      `${formatVerifierKey(s.name, s.publicKey)}\n${formatCosignerVkey(w.name, w.publicKey)}`,
    );
    expect(both.map((p) => p.kind)).toEqual(["signer", "witness"]);
    await expect(
      parsePins(
        `${formatCosignerVkey(w.name, w.publicKey)}\n${formatCosignerVkey(other.name, other.publicKey)}`,
      ),
    ).rejects.toThrow(/^line 2: a second witness key for same\.example\/x/);
  });
});

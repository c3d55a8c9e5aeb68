// The dashboard at `/` in real headless Chromium against a real `wrangler dev`: sign-in, the
// checkpoint, head and batch checks and an event proof verified in the browser (WebCrypto
// Ed25519 running the shared core), a tampered proof failing at the right step, a bad key.
// The pure pieces the page is built from are checked here in Node too.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { openWatchedPage, testBrowser } from "./support/browser";
import { devTenant, REPO_ROOT, startDev, type DevServer } from "./support/wrangler-dev";
import { createProducer } from "../../src/client/des-builder";
import { createExperimentLogger } from "../../src/client/experiment";
import type { DesEvent, EvidenceTier, RiskLevel } from "../../src/client/des-types";
import { AuditFailure, checkBatch, subtleHasher } from "../../src/core/audit";
import { utf8 } from "../../src/core/bytes";
import { formatCount, niceCeiling } from "../../src/dashboard/chart-scale";
import { RateWindow } from "../../src/dashboard/ingest-rate";
import { runEventProof } from "../../src/dashboard/proof-run";
import { formatVerifierKey, generateSeed, signerFromSeed, verifierFromVkey } from "../../src/core/note";
import { parsePins, PinnedKeys, PINNED_ITEM } from "../../src/dashboard/pinned-keys";
import type { EventProofDocument } from "../../src/core/event-proof";

const OUTPUT = join(REPO_ROOT, "test-output");
const UI_TIMEOUT = 15_000;

interface IngestAnswer {
  accepted: number;
  results: Array<{ id: string; status: string; tier: string; batch?: number }>;
}

/** The read key the page keeps in sessionStorage (evaluated in the page, hence the string). */
function storedKey(page: Page): Promise<string | null> {
  return page.evaluate<string | null>("sessionStorage.getItem('edgelog.readKey')");
}

async function ingest(url: string, key: string, events: DesEvent[]): Promise<IngestAnswer> {
  const res = await fetch(`${url}/v1/events?wait=sealed`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(events),
  });
  const body = (await res.json()) as IngestAnswer;
  if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

const producer = createProducer({
  producerId: "dashboard-test",
  decisionType: "credit_approval",
  logicType: "rule_based",
});
const TIER_PLAN: ReadonlyArray<[EvidenceTier, RiskLevel | undefined]> = [
  ["lightweight", undefined],
  ["lightweight", undefined],
  ["sampled", "medium"],
  ["full", "low"],
  ["lightweight", undefined],
  ["full", "medium"],
];

function events(round: number): Promise<DesEvent[]> {
  return Promise.all(
    TIER_PLAN.map(([tier, riskLevel], i) =>
      producer.event({
        decisionId: `dash-${round}-${i}`,
        output: i % 2 === 0 ? "approve" : "refer",
        tier,
        ...(riskLevel ? { riskLevel } : {}),
      }),
    ),
  );
}

describe("dashboard in headless Chromium against wrangler dev", () => {
  let dev: DevServer;
  let key = "";
  // Without a browser every browser test fails (never skips) with this message; the Node-side
  // tests still run.
  let missingBrowser: string | null = null;
  let context: BrowserContext | undefined;
  let fullEventId = "";
  const profile = mkdtempSync(join(tmpdir(), "edgelog-chromium-"));
  const pageErrors: string[] = [];

  beforeAll(async () => {
    dev = await startDev();
    ({ key } = await devTenant(dev.url, "dashboard"));
    const first = await ingest(dev.url, key, await events(0));
    const second = await ingest(dev.url, key, await events(1));
    const full = first.results.find((r) => r.tier === "full");
    if (!full) throw new Error(`no event was logged at tier full: ${JSON.stringify(first.results)}`);
    fullEventId = full.id;
    expect(second.accepted).toBe(TIER_PLAN.length);
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
  });

  afterAll(async () => {
    await context?.close();
    await dev?.stop();
    rmSync(profile, { recursive: true, force: true });
  });

  async function openPage(): Promise<Page> {
    if (!context) throw new Error(missingBrowser ?? "the browser did not start");
    return openWatchedPage(context, `${dev.url}/`, pageErrors);
  }

  async function signIn(page: Page, readKey: string): Promise<void> {
    await page.getByLabel("Read key").fill(readKey);
    await page.getByRole("button", { name: "Sign in" }).click();
  }

  it("serves the page and its bundle as static assets while the API still reaches the Worker", async () => {
    const page = await fetch(`${dev.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(page.headers.get("content-security-policy")).toMatch(/connect-src 'self'/);
    expect(await page.text()).toContain('src="/app.js"');
    const bundle = await fetch(`${dev.url}/app.js`);
    expect(bundle.status).toBe(200);
    expect(await bundle.text()).toMatch(/^\/\/ GENERATED by scripts\/build-dashboard\.mjs/);
    const api = await fetch(`${dev.url}/v1/logs`);
    expect(api.status).toBe(401);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBeTruthy();
    expect((await fetch(`${dev.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${dev.url}/.gitignore`)).status).toBe(404);
  });

  it("signs in, verifies checkpoints, head and batch roots, and verifies an event proof step by step", async () => {
    const page = await openPage();
    await signIn(page, key);
    await page.locator("#dashboard-view").waitFor({ state: "visible", timeout: UI_TIMEOUT });
    expect(await storedKey(page)).toBe(key);

    const checkpoint = page.locator("#checkpoints .checkpoint").first();
    await checkpoint.locator('.badge[data-state="verified"]').waitFor({ timeout: UI_TIMEOUT });
    await expect.poll(() => checkpoint.textContent()).toMatch(/Tree size\s*2 batches/);
    await page.locator('#head .badge[data-state="verified"]').waitFor({ timeout: UI_TIMEOUT });
    await page.locator('#batches tr[data-state="verified"]').nth(1).waitFor({ timeout: UI_TIMEOUT });
    expect(await page.locator('#batches tr[data-state="failed"]').count()).toBe(0);
    for (const groupBy of ["tier", "chain"]) {
      await page.locator(`#${groupBy}-stats[data-state]`).waitFor({ timeout: UI_TIMEOUT });
      expect(await page.locator(`#${groupBy}-stats`).getAttribute("data-state")).toMatch(
        /^(loaded|unavailable)$/,
      );
    }

    // More events while the page watches, so the rate chart has something to draw.
    await ingest(dev.url, key, await events(2));
    await page.locator("#rate-chart path.line").waitFor({ timeout: UI_TIMEOUT });
    await expect
      .poll(() => page.locator("#checkpoints").textContent(), { timeout: UI_TIMEOUT })
      .toMatch(/3 batches/);

    await page.getByLabel("Event id").fill("not-an-id");
    await page.getByRole("button", { name: "Look up and verify" }).click();
    await expect.poll(() => page.locator("#lookup-error").textContent()).toContain("64 hexadecimal digits");
    await page.getByLabel("Event id").fill(fullEventId);
    await page.getByRole("button", { name: "Look up and verify" }).click();
    const steps = page.locator("#proof-steps");
    await page.locator('#proof-steps[data-state="verified"]').waitFor({ timeout: UI_TIMEOUT });
    const names = await steps.locator(".step-name").allTextContents();
    expect(names).toEqual([
      "envelope leaf",
      "event digest",
      "batch inclusion",
      "checkpoint signature",
      "log inclusion",
    ]);
    expect(await steps.locator('.step[data-state="verified"]').count()).toBe(names.length);
    expect(await page.locator("#lookup-result").textContent()).toContain(`"${fullEventId}"`);

    mkdirSync(OUTPUT, { recursive: true });
    const shot = join(OUTPUT, "dashboard.png");
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(50_000);
    await page.emulateMedia({ colorScheme: "dark" });
    await page.screenshot({ path: join(OUTPUT, "dashboard-dark.png"), fullPage: true });
    await page.setViewportSize({ width: 400, height: 800 });
    await page.waitForTimeout(400); // the charts redraw at the new width once resizing settles
    await page.screenshot({ path: join(OUTPUT, "dashboard-narrow.png"), fullPage: true });
    expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(400);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.locator("#sign-in-view").waitFor({ state: "visible" });
    expect(await storedKey(page)).toBeNull();
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it("shows the failing proof step in red with expected and found when the server's answer is altered, and no stats without the endpoint", async () => {
    const page = await openPage();
    // A deployment without the stats endpoint: the stats cards say so instead of failing.
    await page.route("**/v1/stats?*", (route) =>
      route.fulfill({
        status: 404,
        json: { error: { code: "not_found", message: "no route for GET /v1/stats" } },
      }),
    );
    let headerRoot = "";
    await page.route(`**/v1/events/${fullEventId}`, async (route) => {
      const response = await route.fetch();
      const doc = (await response.json()) as EventProofDocument;
      headerRoot = doc.proof!.batch.root;
      doc.envelope["received_at"] = "2000-01-01T00:00:00.000Z";
      await route.fulfill({ response, json: doc });
    });
    await signIn(page, key);
    await page.getByLabel("Event id").fill(fullEventId);
    await page.getByRole("button", { name: "Look up and verify" }).click();
    const failed = page.locator('#proof-steps[data-state="failed"] .step[data-state="failed"]');
    await failed.waitFor({ timeout: UI_TIMEOUT });
    expect(await failed.locator(".step-name").textContent()).toBe("envelope and batch");
    const text = await failed.textContent();
    expect(text).toContain("batch root recomputed from the inclusion path differs from the header");
    expect(text).toContain(`Expected${headerRoot}`);
    for (const groupBy of ["tier", "chain"]) {
      await page.locator(`#${groupBy}-stats[data-state="unavailable"]`).waitFor({ timeout: UI_TIMEOUT });
      expect(await page.locator(`#${groupBy}-stats`).textContent()).toContain("stats unavailable");
    }
    const [r, g, b] = (
      await failed.evaluate(
        // Runs in the page; this file is typed without the DOM library.
        (el) =>
          (
            globalThis as unknown as { getComputedStyle(e: unknown): { borderLeftColor: string } }
          ).getComputedStyle(el).borderLeftColor,
      )
    )
      .match(/\d+/g)!
      .map(Number);
    expect(r! > 2 * g! && r! > 2 * b!, "the failing step is marked red").toBe(true);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it("checks against pinned verifier keys, remembers them for the tab, and fails visibly when the server's signature does not match", async () => {
    const read = async (path: string) =>
      (
        await (await fetch(`${dev.url}${path}`, { headers: { authorization: `Bearer ${key}` } })).text()
      ).trim();
    const logVkey = await read("/v1/logs/0/key");
    const headVkey = await read("/v1/head/key");
    const logOrigin = (await verifierFromVkey(logVkey)).name;
    // A key with the log's name that the server does not hold: its checkpoints cannot verify.
    const stranger = await signerFromSeed(logOrigin, generateSeed());
    const strangerVkey = formatVerifierKey(logOrigin, stranger.publicKey);

    const page = await openPage();
    await signIn(page, key);
    const checkpoint = page.locator('#checkpoints .checkpoint[data-log="0"]');
    await checkpoint.locator('.badge[data-state="verified"]').waitFor({ timeout: UI_TIMEOUT });
    expect(await checkpoint.getAttribute("data-key-source")).toBe("server");
    expect(await checkpoint.textContent()).toContain("served by this server");
    expect(await page.locator("#pins").getAttribute("data-count")).toBe("0");

    // A line that is not a key: nothing is pinned and the line is named.
    await page.getByLabel("Pinned verifier keys").fill(`${logVkey}\nnot a key`);
    await page.getByRole("button", { name: "Pin keys" }).click();
    await expect.poll(() => page.locator("#pin-error").textContent()).toContain("line 2: not a verifier key");
    expect(await page.locator("#pins").getAttribute("data-count")).toBe("0");

    await page.getByLabel("Pinned verifier keys").fill(`${logVkey}\n${headVkey}`);
    await page.getByRole("button", { name: "Pin keys" }).click();
    await page.locator('#pins[data-count="2"]').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.locator("#pin-error").textContent()).toBe("");
    await page
      .locator(
        '#checkpoints .checkpoint[data-log="0"][data-key-source="pinned"] .badge[data-state="verified"]',
      )
      .waitFor({ timeout: UI_TIMEOUT });
    await page
      .locator('#head[data-key-source="pinned"] .badge[data-state="verified"]')
      .waitFor({ timeout: UI_TIMEOUT });
    expect(await page.locator("#head").textContent()).toContain("pinned by you");
    expect(await page.evaluate<string | null>(`sessionStorage.getItem(${JSON.stringify(PINNED_ITEM)})`)).toBe(
      `${logVkey}\n${headVkey}`,
    );

    // Remembered for the tab: a reload checks against the same pins.
    await page.reload();
    await page
      .locator(
        '#checkpoints .checkpoint[data-log="0"][data-key-source="pinned"] .badge[data-state="verified"]',
      )
      .waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByLabel("Pinned verifier keys").inputValue()).toBe(`${logVkey}\n${headVkey}`);

    // A pinned key the server does not sign with: the checkpoint, the head's check of it and
    // an event proof all fail, saying it was the pinned key they were checked against.
    await page.getByLabel("Pinned verifier keys").fill(strangerVkey);
    await page.getByRole("button", { name: "Pin keys" }).click();
    const failed = page.locator(
      '#checkpoints .checkpoint[data-log="0"][data-key-source="pinned"] .badge[data-state="failed"]',
    );
    await failed.waitFor({ timeout: UI_TIMEOUT });
    expect(await failed.textContent()).toContain("does not verify against the pinned key");
    expect(await page.locator('#checkpoints .checkpoint[data-log="0"]').textContent()).toContain(
      `Pinned key ${logOrigin}+`,
    );
    expect(
      await page.locator('#checkpoints .checkpoint[data-log="0"] .badge[data-state="verified"]').count(),
    ).toBe(0);
    await page.locator('#head .badge[data-state="failed"]').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.locator("#head").getAttribute("data-key-source")).toBe("server");
    await page.getByLabel("Event id").fill(fullEventId);
    await page.getByRole("button", { name: "Look up and verify" }).click();
    await page.locator('#proof-steps[data-state="failed"]').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.locator("#lookup-result").textContent()).toContain(
      "event proof does not verify against the pinned key",
    );

    // Forgetting the pins goes back to the server's keys, and says so.
    await page.getByRole("button", { name: "Forget pinned keys" }).click();
    await page
      .locator(
        '#checkpoints .checkpoint[data-log="0"][data-key-source="server"] .badge[data-state="verified"]',
      )
      .waitFor({ timeout: UI_TIMEOUT });
    expect(
      await page.evaluate<string | null>(`sessionStorage.getItem(${JSON.stringify(PINNED_ITEM)})`),
    ).toBeNull();
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it("shows the server's error message for a key it does not accept", async () => {
    const wrong = `${key.slice(0, -4)}0000`;
    const server = await fetch(`${dev.url}/v1/logs`, { headers: { authorization: `Bearer ${wrong}` } });
    expect(server.status).toBe(401);
    const { error } = (await server.json()) as { error: { message: string } };
    const page = await openPage();
    await signIn(page, wrong);
    await expect
      .poll(() => page.locator("#sign-in-error").textContent(), { timeout: UI_TIMEOUT })
      .toContain(error.message);
    expect(await page.locator("#dashboard-view").isHidden()).toBe(true);
    expect(await storedKey(page)).toBeNull();
    await page.close();
  });

  it("shows each experiment's subjects against the expected split and says when the ratio is off", async () => {
    // Exposures recorded by the real A/B helper of edgelog/hono, for a tenant of their own.
    const { key: abKey } = await devTenant(dev.url, "dashboard-ab");
    const logged: DesEvent[] = [];
    const ab = createExperimentLogger({
      producer: createProducer({
        producerId: "dashboard-ab",
        decisionType: "experiment",
        logicType: "ab:exposure",
      }),
      log: async (event: DesEvent) => void logged.push(event),
    });
    // "hero": 40 vs 60 at 50/50, X² = 4, p = 0.046: fine. "pricing": 30 vs 120 at 50/50, X² = 54: a mismatch.
    for (const [experiment, a, b] of [
      ["hero", 40, 60],
      ["pricing", 30, 120],
    ] as const) {
      for (let i = 0; i < a + b; i++) {
        await ab.exposure({
          experiment,
          variant: i < a ? "a" : "b",
          subject: `${experiment}-${i}`,
          probability: 0.5,
        });
      }
    }
    await ingest(dev.url, abKey, logged);
    const page = await openPage();
    await signIn(page, abKey);
    await page.locator('#experiments[data-state="loaded"]').waitFor({ timeout: UI_TIMEOUT });
    const pricing = page.locator('#experiments [data-experiment="pricing"]');
    expect(await pricing.getAttribute("data-srm")).toBe("true");
    expect(await pricing.locator(".badge").textContent()).toContain("sample-ratio mismatch");
    expect(await pricing.textContent()).toContain('"a" 30 (expected 75), "b" 120 (expected 75)');
    expect(await pricing.locator("svg").getAttribute("aria-label")).toContain(
      "a: 30 subjects observed (20.0%), 75 expected (50.0%)",
    );
    const hero = page.locator('#experiments [data-experiment="hero"]');
    expect(await hero.getAttribute("data-srm")).toBe("false");
    expect(await hero.textContent()).toContain("No sample-ratio mismatch");
    expect(await hero.locator("rect.bar").count()).toBe(2);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it("attributes proof failures to the stage that failed (core verifier, run in Node)", async () => {
    const doc = (await (
      await fetch(`${dev.url}/v1/events/${fullEventId}`, { headers: { authorization: `Bearer ${key}` } })
    ).json()) as EventProofDocument;
    const vkey = (
      await (await fetch(`${dev.url}/v1/logs/0/key`, { headers: { authorization: `Bearer ${key}` } })).text()
    ).trim();
    const verifier = await verifierFromVkey(vkey);
    const good = await runEventProof(doc, verifier);
    expect(good.ok).toBe(true);

    const badSignature = structuredClone(doc);
    const lines = badSignature.proof!.checkpoint.split("\n");
    lines[1] = String(Number(lines[1]) + 1); // claim a larger tree under the old signature
    badSignature.proof!.checkpoint = lines.join("\n");
    const sig = await runEventProof(badSignature, verifier);
    expect(sig.ok ? null : sig.failure.stage).toBe("checkpoint signature");

    const badLogPath = structuredClone(doc);
    badLogPath.proof!.log_path = badLogPath.proof!.log_path.map((h) =>
      h.replace(/^./, (c) => (c === "0" ? "1" : "0")),
    );
    const log = await runEventProof(badLogPath, verifier);
    expect(log.ok ? null : log.failure.stage).toBe("log inclusion");
  });

  it("checks a batch with the core auditor over WebCrypto, as the page does, and notices a changed envelope", async () => {
    const text = await (
      await fetch(`${dev.url}/v1/logs/0/batches/0`, { headers: { authorization: `Bearer ${key}` } })
    ).text();
    const [header, firstEntry, ...rest] = text.trim().split("\n");
    const origin = (JSON.parse(header!) as { log: string }).log;
    const check = (t: string) => checkBatch(utf8(t), { origin, batch: 0 }, subtleHasher());
    const good = await check(text);
    expect(good.events).toBe(TIER_PLAN.length);
    const failure = (t: string) =>
      check(t).then(
        () => null,
        (e: unknown) => e as AuditFailure,
      );

    const entry = JSON.parse(firstEntry!) as { envelope: Record<string, unknown> };
    entry.envelope["tier"] = entry.envelope["tier"] === "full" ? "lightweight" : "full";
    const altered = await failure([header, JSON.stringify(entry), ...rest].join("\n"));
    expect(altered).toBeInstanceOf(AuditFailure);
    expect(altered!.step).toBe("batch root");
    expect(altered!.found).not.toBe(altered!.expected);

    const missing = await failure([header, ...rest].join("\n"));
    expect([missing?.step, missing?.where.line]).toEqual(["event order", 2]);
  });
});

describe("pinned verifier keys", () => {
  it("parses one vkey per line, refuses a bad line or a second key for one name, and keeps them in the store", async () => {
    const a = await signerFromSeed("log.example/a/0", generateSeed());
    const b = await signerFromSeed("log.example/a", generateSeed());
    const va = formatVerifierKey(a.name, a.publicKey);
    const vb = formatVerifierKey(b.name, b.publicKey);
    const pins = await parsePins(`\n  ${va}  \r\n\n${vb}\n`);
    expect(pins.map((p) => p.vkey)).toEqual([va, vb]);
    expect(pins[0]!.label).toMatch(/^log\.example\/a\/0\+[0-9a-f]{8}$/);
    await expect(parsePins(`${va}\nnope`)).rejects.toThrow(/^line 2: not a verifier key/);
    const other = await signerFromSeed(a.name, generateSeed());
    await expect(parsePins(`${va}\n${formatVerifierKey(a.name, other.publicKey)}`)).rejects.toThrow(
      /^line 2: a second key for log\.example\/a\/0/,
    );

    const memory = new Map<string, string>();
    const store = {
      getItem: (k: string) => memory.get(k) ?? null,
      setItem: (k: string, v: string) => void memory.set(k, v),
      removeItem: (k: string) => void memory.delete(k),
    };
    const kept = new PinnedKeys(store);
    await kept.set(`${va}\n${vb}`);
    expect(memory.get(PINNED_ITEM)).toBe(`${va}\n${vb}`);
    await expect(kept.set("garbage")).rejects.toThrow(/line 1/);
    expect(kept.list()).toHaveLength(2);
    const again = new PinnedKeys(store);
    await again.load();
    expect(again.forOrigin("log.example/a")?.vkey).toBe(vb);
    expect(again.forOrigin("log.example/b")).toBeUndefined();
    again.clear();
    expect(memory.has(PINNED_ITEM)).toBe(false);
  });
});

describe("dashboard arithmetic", () => {
  it("turns counter readings into a rate window of two minutes", () => {
    const w = new RateWindow(120_000);
    expect(w.current()).toBeNull();
    w.add({ at: 0, events: 100 });
    expect(w.current()).toBeNull();
    w.add({ at: 2_000, events: 300 });
    expect(w.current()).toBe(100);
    w.add({ at: 2_000, events: 900 }); // same instant: ignored, no division by zero
    w.add({ at: 4_000, events: 250 }); // counter went down: zero, never negative
    expect(w.current()).toBe(0);
    expect(w.peak()).toBe(100);
    w.add({ at: 124_000, events: 450 });
    expect(w.points().map((p) => p.at)).toEqual([4_000, 124_000]);
    expect(w.current()).toBeCloseTo(200 / 120);
    expect(w.total()).toBe(450);
  });

  it("rounds axis maxima up to 1, 2 or 5 times a power of ten and labels counts compactly", () => {
    expect([0, -3, 0.3, 1, 1.01, 3, 7, 12.5, 2000, 2001].map(niceCeiling)).toEqual([
      1, 1, 0.5, 1, 2, 5, 10, 20, 2000, 5000,
    ]);
    expect([0, 12, 12.5, 1234, 12_345, 3_400_000].map(formatCount)).toEqual([
      "0",
      "12",
      "12.5",
      "1234",
      "12.3k",
      "3.4M",
    ]);
  });
});

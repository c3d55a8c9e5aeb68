/**
 * The dashboard served at `/`: sign-in with a read key (kept in sessionStorage), then a poll of
 * the tenant's logs every 2 s that drives the ingest-rate chart and, whenever a log seals a
 * batch, the checkpoint, head, batch and stats panels. Every signature and root is checked in
 * the browser with the same `src/core` code the CLI uses.
 */
import { ApiFailure, createApi, type ApiClient, type LogInfo, type StatsAnswer } from "./api";
import { byId, controlById, onResize, sessionStore } from "./dom";
import { RateWindow } from "./ingest-rate";
import { KeyRing } from "./key-ring";
import { PinnedKeys } from "./pinned-keys";
import { BatchChecks, renderBatches } from "./panels/batches-panel";
import { renderCheckpoints, renderHead } from "./panels/checkpoint-panel";
import { renderRate } from "./panels/rate-panel";
import { setUpLookup, type LookupDeps } from "./panels/lookup-panel";
import { setUpPins } from "./panels/pins-panel";
import { renderStats } from "./panels/stats-panel";
import { refreshExperiments } from "./panels/experiments-panel";
import { errorMessage } from "./view";

const KEY_ITEM = "edgelog.readKey";
const POLL_MS = 2_000;
/** The signed panels and stats also refresh every this many polls without a new batch (pending events, a head re-signed by the cron, a failed fetch). */
const SLOW_EVERY = 5;

interface Session {
  api: ApiClient;
  keys: KeyRing;
  batches: BatchChecks;
  rate: RateWindow;
  logs: readonly LogInfo[];
  live: boolean;
  timer: number | null;
  polls: number;
  lastSizes: string;
  /** The last stats answers, redrawn when the window is resized. */
  stats: Map<"tier" | "chain", StatsAnswer | null | Error>;
}

let session: Session | null = null;
/** Verifier keys the user pinned in this tab (kept across sign-out: they are public keys). */
const pins = new PinnedKeys(sessionStore());

function setStatus(text: string): void {
  byId("status-line").textContent = text;
}

async function refreshStats(s: Session): Promise<void> {
  await Promise.all(
    (["tier", "chain"] as const).map(async (groupBy) => {
      const answer = await s.api
        .stats(groupBy)
        .catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
      if (!s.live) return;
      s.stats.set(groupBy, answer);
      renderStats(groupBy, answer);
    }),
  );
}

async function poll(s: Session): Promise<void> {
  const started = performance.now();
  try {
    const logs = await s.api.logs();
    if (!s.live) return;
    s.logs = logs;
    s.rate.add({ at: performance.now(), events: logs.reduce((n, l) => n + l.events, 0) });
    renderRate(s.rate, logs);
    const sizes = logs.map((l) => `${l.log}:${l.size}`).join(",");
    const sealedMore = sizes !== s.lastSizes;
    const slow = s.polls % SLOW_EVERY === 0;
    s.lastSizes = sizes;
    s.polls++;
    const isLive = () => s.live;
    if (sealedMore || slow) {
      await Promise.all([
        renderCheckpoints(s.api, s.keys, logs, isLive),
        renderBatches(s.batches, logs, isLive),
        renderHead(s.api, s.keys, isLive),
        refreshStats(s),
        refreshExperiments(s.api, isLive),
      ]);
    }
    if (s.live) setStatus(`Updated ${new Date().toLocaleTimeString()} · polling every ${POLL_MS / 1000} s`);
  } catch (err) {
    if (!s.live) return;
    if (err instanceof ApiFailure && (err.status === 401 || err.status === 403)) {
      signOut(`Signed out: ${err.message}`);
      return;
    }
    setStatus(`Update failed: ${errorMessage(err)} · retrying`);
  }
  if (s.live) s.timer = setTimeout(() => void poll(s), Math.max(0, POLL_MS - (performance.now() - started)));
}

function show(signedIn: boolean): void {
  byId("sign-in-view").hidden = signedIn;
  byId("dashboard-view").hidden = !signedIn;
  byId("sign-out").hidden = !signedIn;
}

function start(key: string): void {
  const api = createApi(key);
  session = {
    api,
    keys: new KeyRing(api, pins),
    batches: new BatchChecks(api),
    rate: new RateWindow(),
    logs: [],
    live: true,
    timer: null,
    polls: 0,
    lastSizes: "",
    stats: new Map(),
  };
  show(true);
  void poll(session);
}

let clearLookup: () => void = () => {};

function signOut(message = ""): void {
  if (session) {
    session.live = false;
    if (session.timer !== null) clearTimeout(session.timer);
    session = null;
  }
  sessionStore().removeItem(KEY_ITEM);
  for (const id of [
    "rate-figures",
    "rate-chart",
    "tier-stats",
    "chain-stats",
    "checkpoints",
    "head",
    "batches",
    "experiments",
  ])
    byId(id).replaceChildren();
  clearLookup();
  setStatus("");
  show(false);
  byId("sign-in-error").textContent = message;
  controlById("read-key").focus();
}

/** Checks the key with one read before keeping it: a wrong key shows the server's own message. */
async function signIn(key: string): Promise<void> {
  const button = controlById("sign-in-button");
  const error = byId("sign-in-error");
  error.textContent = "";
  button.disabled = true;
  try {
    await createApi(key).logs();
    sessionStore().setItem(KEY_ITEM, key);
    controlById("read-key").value = "";
    start(key);
  } catch (err) {
    error.textContent = errorMessage(err);
  } finally {
    button.disabled = false;
  }
}

/** Checks the signed panels again (after the pinned keys changed). */
function recheckSigned(): void {
  const s = session;
  if (!s) return;
  const isLive = () => s.live;
  void Promise.all([renderCheckpoints(s.api, s.keys, s.logs, isLive), renderHead(s.api, s.keys, isLive)]);
}

async function main(): Promise<void> {
  await pins.load();
  setUpPins(pins, recheckSigned);
  byId("sign-in-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const key = controlById("read-key").value.trim();
    if (key.length === 0) {
      byId("sign-in-error").textContent = "Enter a read key.";
      return;
    }
    void signIn(key);
  });
  byId("sign-out").addEventListener("click", () => signOut());
  onResize(() => {
    if (!session) return;
    renderRate(session.rate, session.logs);
    for (const [groupBy, answer] of session.stats) renderStats(groupBy, answer);
  });
  clearLookup = setUpLookup((): LookupDeps | null => {
    const s = session;
    return s ? { api: s.api, keys: s.keys, logs: () => s.logs, isLive: () => s.live } : null;
  });
  const kept = sessionStore().getItem(KEY_ITEM);
  if (kept) start(kept);
  else show(false);
}

void main();

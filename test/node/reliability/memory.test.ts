/**
 * Memory bounds of the body path, measured on the real server (README, Limits): workerd's
 * resident memory is read from /proc while hostile bodies are refused.
 *
 * - A 1 MB gzip bomb (inflating to 1 GB) must cost about MAX_DECOMPRESSED_BYTES, not its size:
 *   the body is inflated in slices and abandoned at the limit.
 * - A body of millions of tiny events (`[{},{},…]`, or `{}` lines) must be refused by counting
 *   on the text, before JSON.parse builds millions of objects.
 *
 * The bounds asserted are growths of the resident size over the one before the request, per
 * concurrent copy: BOMB_GROWTH for gzip bombs (the 8 MiB of output and the runtime's buffers;
 * measured +7 to +10 MiB, where the unbounded code grew by 1 GiB), COUNT_GROWTH for bodies of
 * millions of events (the 8 MB body as bytes and as text; measured +1 to +22 MiB, where parsing
 * first grew by 40 to 240 MiB). Linux only (/proc).
 */
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devTenant, startDev, type DevServer } from "../support/wrangler-dev";
import { bySize } from "./support/mode";
import { MiB, peakDuring, workerdPids } from "./support/process-memory";

const MAX_DECOMPRESSED_BYTES = 8 * MiB;
/** README, Limits: a gzip bomb costs about MAX_DECOMPRESSED_BYTES; asserted with room for noise. */
const BOMB_GROWTH = 3 * MAX_DECOMPRESSED_BYTES;
/** README, Limits: a body over the event count is refused from its text, at about twice its size. */
const COUNT_GROWTH = 32 * MiB;
/** Concurrent copies of each hostile body in the full run (the issue saw +450 MiB with 8). */
const COPIES = bySize(1, 4);

describe.skipIf(process.platform !== "linux")("memory bounds of hostile bodies (workerd RSS)", () => {
  let dev: DevServer;
  let key: string;
  let pids: number[];
  let bomb: Buffer;

  beforeAll(async () => {
    // Compressing 1 GB takes seconds of this process's event loop: done before the server starts,
    // so no idle connection to it times out meanwhile.
    bomb = gzipSync(Buffer.alloc(1024 * MiB, 0x20), { level: 9 });
    dev = await startDev();
    key = (await devTenant(dev.url, "memory")).key;
    pids = workerdPids(dev.process.pid!);
    // Warm up: the first requests load code and grow the heap once.
    for (let i = 0; i < 3; i++) await post(gzipSync(Buffer.alloc(2 * MiB, 0x20)), "application/json");
  }, 180_000);

  afterAll(async () => {
    await dev?.stop();
  });

  async function post(body: Uint8Array, type: string): Promise<{ status: number; text: string }> {
    const res = await fetch(`${dev.url}/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": type, "content-encoding": "gzip" },
      body,
    });
    return { status: res.status, text: await res.text() };
  }

  async function measure(body: Uint8Array, type: string) {
    const { before, peak, result } = await peakDuring(pids, () =>
      Promise.all(Array.from({ length: COPIES }, () => post(body, type))),
    );
    const growth = peak - before;
    console.log(
      `workerd RSS ${(before / MiB).toFixed(0)} → peak ${(peak / MiB).toFixed(0)} MiB (+${(growth / MiB).toFixed(1)} MiB) for ${COPIES} × ${body.length} bytes of gzip`,
    );
    return { growth, answers: result };
  }

  it("a 1 MB gzip bomb (1 GB inflated) is refused at the limit without inflating it", async () => {
    expect(bomb.length).toBeGreaterThan(900_000);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const { growth, answers } = await measure(bomb, "application/json");
    for (const a of answers) {
      expect(a.status).toBe(413);
      expect(a.text).toContain(`decompressed body exceeds the limit of ${MAX_DECOMPRESSED_BYTES} bytes`);
    }
    expect(growth).toBeLessThan(COPIES * BOMB_GROWTH);
  }, 120_000);

  it("the same bomb split over many gzip members is bounded the same way", async () => {
    const member = gzipSync(Buffer.alloc(64 * MiB, 0x20), { level: 9 });
    const body = Buffer.concat(Array.from({ length: 15 }, () => member));
    const { growth, answers } = await measure(body, "application/json");
    for (const a of answers) expect(a.status).toBe(413);
    expect(growth).toBeLessThan(COPIES * BOMB_GROWTH);
  }, 120_000);

  it("millions of {} in a JSON array get 413 from the text, before JSON.parse", async () => {
    const n = 2_700_000;
    const text = "[" + "{},".repeat(n - 1) + "{}]";
    expect(text.length).toBeLessThan(MAX_DECOMPRESSED_BYTES);
    const { growth, answers } = await measure(gzipSync(text, { level: 9 }), "application/json");
    for (const a of answers) {
      expect(a.status).toBe(413);
      expect(a.text).toContain(`request holds ${n} events`);
    }
    expect(growth).toBeLessThan(COPIES * COUNT_GROWTH);
  }, 120_000);

  it("millions of {} lines of NDJSON get 413 from the text, before any line is parsed", async () => {
    const n = 2_700_000;
    const text = "{}\n".repeat(n);
    const { growth, answers } = await measure(gzipSync(text, { level: 9 }), "application/x-ndjson");
    for (const a of answers) {
      expect(a.status).toBe(413);
      expect(a.text).toContain(`request holds ${n} events`);
    }
    expect(growth).toBeLessThan(COPIES * COUNT_GROWTH);
  }, 120_000);
});

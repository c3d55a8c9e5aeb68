// `edgelog audit --tiles` against a real `wrangler dev` log, next to the API-path audit of the
// same log: both must reach the same size, root and event count; the tiles audit continues
// incrementally from its state and fails, naming the step, when the tiles are tampered with.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type Server } from "node:http";
import { devTenant, startDev, type DevServer } from "./support/wrangler-dev";
import { desEvents, runCli, toNdjson } from "./support/cli";

interface Json {
  ok: boolean;
  size: number;
  root: string;
  events: number;
  new_batches?: number;
  error?: { step: string; message: string; batch?: number };
}

describe("edgelog audit --tiles", () => {
  let dev: DevServer;
  let key = "";
  let tenant = "";
  const dir = mkdtempSync(join(tmpdir(), "edgelog-tiles-"));
  const vkeyFile = join(dir, "log.vkey");
  const api = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${dev.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${key}`, ...init.headers },
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res;
  };
  const ingest = async (requests: number, per: number, start: number) => {
    for (let r = 0; r < requests; r++) {
      const body = toNdjson(desEvents(per, { prefix: "tiles" }, start + r * per));
      await api("/v1/events?wait=sealed", {
        method: "POST",
        headers: { "content-type": "application/x-ndjson" },
        body,
      });
    }
  };
  const run = async (args: string[]) => {
    const r = await runCli([...args, "--json"]);
    return { ...r, json: JSON.parse(r.stdout || "null") as Json };
  };

  beforeAll(async () => {
    dev = await startDev();
    ({ key, tenant } = await devTenant(dev.url, "tiles-audit"));
    await ingest(4, 300, 0);
    const { writeFileSync } = await import("node:fs");
    writeFileSync(vkeyFile, await (await api("/v1/logs/0/key")).text());
  }, 180_000);

  afterAll(async () => {
    await dev?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reaches the same tree as the API audit, then continues incrementally", async () => {
    const prefix = `${dev.url}/v1/tiles/${tenant}/0`;
    const viaApi = await run([
      "audit",
      dev.url,
      "--vkey",
      vkeyFile,
      "--state",
      join(dir, "api.json"),
      "--key",
      key,
    ]);
    expect(viaApi.code, viaApi.stdout + viaApi.stderr).toBe(0);
    const state = join(dir, "tiles.json");
    const viaTiles = await run([
      "audit",
      "--tiles",
      prefix,
      "--vkey",
      vkeyFile,
      "--state",
      state,
      "--key",
      key,
    ]);
    expect(viaTiles.code, viaTiles.stdout + viaTiles.stderr).toBe(0);
    expect({ size: viaTiles.json.size, root: viaTiles.json.root, events: viaTiles.json.events }).toEqual({
      size: viaApi.json.size,
      root: viaApi.json.root,
      events: 1200,
    });
    expect(viaTiles.json.new_batches).toBe(viaApi.json.size);

    await ingest(2, 10, 5000);
    const again = await run(["audit", "--tiles", prefix, "--vkey", vkeyFile, "--state", state, "--key", key]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.json.events).toBe(1220);
    expect(again.json.new_batches).toBe(again.json.size - viaTiles.json.size);
    expect(again.json.new_batches).toBeGreaterThanOrEqual(2);

    const noKey = await run([
      "audit",
      "--tiles",
      prefix,
      "--vkey",
      vkeyFile,
      "--state",
      join(dir, "nokey.json"),
    ]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr + noKey.stdout).toContain("401");
  });

  it("fails and names the step when a served envelope bundle or tile is altered", async () => {
    // A proxy in front of the real tiles that flips one byte of one resource.
    const tamper = async (match: RegExp) => {
      const server: Server = createServer(async (req, res) => {
        const upstream = await fetch(`${dev.url}${req.url}`, { headers: { authorization: `Bearer ${key}` } });
        const body = new Uint8Array(await upstream.arrayBuffer());
        if (match.test(req.url ?? "") && body.length > 40) body[40] = body[40]! ^ 1;
        res.writeHead(upstream.status, {
          "content-type": upstream.headers.get("content-type") ?? "application/octet-stream",
        });
        res.end(body);
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
      const port = (server.address() as { port: number }).port;
      try {
        return await run([
          "audit",
          "--tiles",
          `http://127.0.0.1:${port}/v1/tiles/${tenant}/0`,
          "--vkey",
          vkeyFile,
          "--state",
          join(dir, `t-${port}.json`),
        ]);
      } finally {
        server.close();
      }
    };
    const badEnvelopes = await tamper(/\/envelopes\/001$/);
    expect(badEnvelopes.code).toBe(1);
    expect(badEnvelopes.json.error).toMatchObject({ step: "batch", batch: 1 });
    const badTile = await tamper(/\/tile\/0\/000/);
    expect(badTile.code).toBe(1);
    expect(badTile.json.error?.step).toBe("tile root");
  });
});

// The CLI's reads over node:http (src/cli/node-transport.ts) behave as its fetch path does:
// bodies decoded, error answers and dropped connections retried or reported the same way.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ApiClient, HttpError, NetworkError } from "../../src/cli/http";
import { nodeTransport } from "../../src/cli/node-transport";
import { REPO_ROOT } from "./support/wrangler-dev";

describe("reads over node:http", () => {
  let server: Server;
  let base = "";
  const hits = new Map<string, number>();
  const payload = "é".repeat(50_000);

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = req.url ?? "";
      const n = (hits.get(path) ?? 0) + 1;
      hits.set(path, n);
      if (path === "/gzip") {
        res.writeHead(200, {
          "content-type": "text/plain",
          "content-encoding": "gzip",
          "x-auth": String(req.headers.authorization),
        });
        res.end(gzipSync(payload));
      } else if (path === "/busy" && n === 1) {
        res.writeHead(503, { "retry-after": "0" }).end();
      } else if (path === "/drop" && n === 1) {
        // Promises 100 bytes, sends 3 and hangs up: the answer never completes.
        res.writeHead(200, { "content-length": "100" });
        res.write("[1,", () => res.socket?.destroy());
      } else if (path === "/missing") {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { code: "not_found", message: "no such thing", details: [] } }));
      } else {
        res.writeHead(200, { "content-type": "application/json" }).end("[1,2]");
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  const client = (url = base) => {
    const sleeps: number[] = [];
    const posts: string[] = [];
    const api = new ApiClient({
      baseUrl: url,
      token: "k",
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
      io: {
        // Reads must not come here; other methods still do.
        fetch: (async (input: string | URL | Request, init?: RequestInit) => {
          posts.push(`${init?.method} ${String(input)}`);
          return new Response("{}", { status: 200 });
        }) as typeof fetch,
        transport: nodeTransport,
        sleep: async (ms) => void sleeps.push(ms),
      },
    });
    return { api, sleeps, posts };
  };

  it("undoes Content-Encoding: gzip and sends the bearer token", async () => {
    const answer = await client().api.read("/gzip");
    expect(answer.status).toBe(200);
    expect(answer.headers["x-auth"]).toBe("Bearer k");
    expect(new TextDecoder().decode(answer.bytes)).toBe(payload);
  });

  it("retries a 503 and a connection dropped mid-answer, then returns the answer", async () => {
    const c = client();
    expect(await c.api.getJson<number[]>("/busy")).toEqual([1, 2]);
    expect(await c.api.getJson<number[]>("/drop")).toEqual([1, 2]);
    expect([hits.get("/busy"), hits.get("/drop")]).toEqual([2, 2]);
    expect(c.sleeps).toHaveLength(2);
  });

  it("reports the API's error, and a server that cannot be reached, as the fetch path does", async () => {
    const err = await client()
      .api.getText("/missing")
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as Error).message).toBe("GET /missing: HTTP 404 not_found: no such thing");
    expect((await client().api.read("/missing", { accept: [404] })).status).toBe(404);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = await client(`http://127.0.0.1:${port}`)
      .api.getText("/x")
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NetworkError);
    expect((refused as Error).message).toMatch(/ECONNREFUSED after 3 attempts/);
  });

  it("leaves everything but GET to fetch", async () => {
    const c = client();
    await c.api.request("POST", "/v1/events", { body: "[]" });
    expect(c.posts).toEqual([`POST ${base}/v1/events`]);
  });
});

describe("the CLI bundle's start-up", () => {
  it("loads no undici (fetch's HTTP client, about 50-90 ms of CPU) when it is imported", () => {
    const bundle = pathToFileURL(join(REPO_ROOT, "dist", "cli.mjs")).href;
    const script = `import(${JSON.stringify(bundle)}).then(() => console.log(JSON.stringify(process.moduleLoadList.filter((m) => /undici/.test(m)))))`;
    const loaded = JSON.parse(
      execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }),
    ) as string[];
    expect(loaded).toEqual([]);
    // The check can fail: fetch's Response does load it.
    const control = JSON.parse(
      execFileSync(
        process.execPath,
        [
          "-e",
          "Response; console.log(JSON.stringify(process.moduleLoadList.filter((m) => /undici/.test(m))))",
        ],
        {
          encoding: "utf8",
        },
      ),
    ) as string[];
    expect(control.length).toBeGreaterThan(0);
  });
});

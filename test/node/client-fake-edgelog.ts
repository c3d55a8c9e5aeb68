/**
 * A scriptable stand-in for edgelog's `POST /v1/events`, on 127.0.0.1, for the client's Node
 * tests. It validates with edgelog's own validator, names events like the server (SHA-256 of
 * the RFC 8785 canonical event), answers a resend `duplicate`, and can be told to misbehave
 * request by request: a status with Retry-After, a dropped connection before or after storing,
 * an answer that never comes, or an answer held back until the test releases it.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { canonicalJson } from "../../src/core/canonical";
import { sha256Hex } from "../../src/core/digest";
import { utf8 } from "../../src/core/bytes";
import { validateEvent } from "../../src/validate/index";

export const FAKE_KEY = "test-ingest-key";

export type Reply =
  | { kind: "ok" }
  | { kind: "status"; status: number; retryAfter?: string }
  /** Drops the connection without reading further or storing anything. */
  | { kind: "destroy" }
  /** Stores the events, then drops the connection: the client never learns they were stored. */
  | { kind: "store-then-destroy" }
  /** Never answers (the client's request timeout has to act). */
  | { kind: "hang" }
  /** Answers normally once `release` resolves. */
  | { kind: "hold"; release: Promise<void> };

export interface ReceivedRequest {
  at: number;
  headers: IncomingHttpHeaders;
  /** The events of the body, after gzip decoding. */
  events: Record<string, unknown>[];
  reply: Reply["kind"];
}

export interface FakeEdgelog {
  url: string;
  requests: ReceivedRequest[];
  /** Stored events by id. */
  stored: Map<string, Record<string, unknown>>;
  /** Events in the order they were first stored. */
  firstStored: Record<string, unknown>[];
  /** Replies for the next requests, in order; once used up, requests are answered normally. */
  script(...replies: Reply[]): void;
  /** Resolves when the server has received `n` requests in all. */
  received(n: number): Promise<void>;
  close(): Promise<void>;
}

export interface FakeOptions {
  /** Largest (decompressed) body; larger ones get 413 like the real server. Default 8 MiB. */
  maxBodyBytes?: number;
}

export async function eventId(event: unknown): Promise<string> {
  return sha256Hex(utf8(canonicalJson(event)));
}

export async function startFakeEdgelog(options: FakeOptions = {}): Promise<FakeEdgelog> {
  const maxBodyBytes = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const replies: Reply[] = [];
  const requests: ReceivedRequest[] = [];
  const stored = new Map<string, Record<string, unknown>>();
  const firstStored: Record<string, unknown>[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];

  async function store(events: Record<string, unknown>[]) {
    const results = [];
    for (const [index, event] of events.entries()) {
      const verdict = validateEvent(event);
      if (!verdict.ok) {
        results.push({
          index,
          status: "rejected",
          id: null,
          log: null,
          seq: null,
          tier: null,
          errors: verdict.errors,
        });
        continue;
      }
      const id = await eventId(event);
      const tier = (event.temporal_metadata as { evidence_tier: string }).evidence_tier;
      const duplicate = stored.has(id);
      if (!duplicate) {
        stored.set(id, event);
        firstStored.push(event);
      }
      const seq = [...stored.keys()].indexOf(id);
      results.push({
        index,
        status: duplicate ? "duplicate" : "accepted",
        id,
        log: "fake/t/0",
        seq,
        tier,
        errors: [],
      });
    }
    const accepted = results.filter((r) => r.status === "accepted").length;
    const duplicates = results.filter((r) => r.status === "duplicate").length;
    const rejected = results.length - accepted - duplicates;
    const status = rejected === 0 ? 200 : accepted + duplicates === 0 ? 422 : 207;
    return { status, body: { accepted, duplicates, rejected, conflicts: 0, results } };
  }

  const server: Server = createServer((req, res) => {
    const reply = replies.shift() ?? { kind: "ok" };
    const chunks: Buffer[] = [];
    if (reply.kind === "destroy") {
      // Mid-request: the body is not read and no answer is written.
      req.socket.destroy();
      requests.push({ at: Date.now(), headers: req.headers, events: [], reply: reply.kind });
      notify();
      return;
    }
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const raw = Buffer.concat(chunks);
        const body = req.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw;
        const events = body
          .toString("utf8")
          .split("\n")
          .filter((l) => l.trim().length > 0)
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        requests.push({ at: Date.now(), headers: req.headers, events, reply: reply.kind });
        notify();
        const send = (status: number, json: unknown, headers: Record<string, string> = {}) => {
          res.writeHead(status, { "content-type": "application/json", ...headers });
          res.end(JSON.stringify(json));
        };
        if (req.headers.authorization !== `Bearer ${FAKE_KEY}`) {
          return send(401, { error: { code: "unauthorized", message: "unknown key" } });
        }
        switch (reply.kind) {
          case "status":
            return send(
              reply.status,
              { error: { code: "scripted", message: `scripted ${reply.status}` } },
              reply.retryAfter !== undefined ? { "retry-after": reply.retryAfter } : {},
            );
          case "hang":
            return;
          case "store-then-destroy":
            await store(events);
            req.socket.destroy();
            return;
          case "hold":
            await reply.release;
            break;
        }
        if (body.length > maxBodyBytes) {
          return send(413, {
            error: {
              code: "payload_too_large",
              message: `body is ${body.length} bytes; the limit is ${maxBodyBytes}`,
            },
          });
        }
        const answer = await store(events);
        send(answer.status, answer.body);
      })();
    });
  });

  function notify() {
    for (const w of [...waiters]) {
      if (requests.length >= w.n) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stored,
    firstStored,
    script: (...r) => replies.push(...r),
    received: (n) =>
      requests.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve })),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

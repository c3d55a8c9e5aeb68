/**
 * The CLI's reads over node:http and node:https. Node's fetch is undici, loaded on first use:
 * about 50 ms of CPU before the first request, and web streams around every body. A command
 * that only reads (audit, get, verify's key and checkpoint look-ups) answers sooner without
 * it, so the real process gives `ApiClient` this transport for reads; writes still use fetch.
 */
import type { Agent, IncomingMessage } from "node:http";
import { brotliDecompress, gunzip, inflate } from "node:zlib";
import { nodeHttp, nodeHttps } from "./builtin";
import type { HttpAnswer, HttpTransport } from "./http";

/** Keep-alive agents, made on first use: the idle sockets they keep never hold the process open (Node unrefs them). */
const agents: { http?: Agent; https?: Agent } = {};

type Inflate = (buf: Uint8Array, cb: (err: Error | null, out: Buffer) => void) => void;
/** RFC 9110 §8.4.1 content codings fetch undoes too (off this thread: zlib's pool). */
const DECODERS: Record<string, Inflate> = {
  gzip: gunzip,
  "x-gzip": gunzip,
  deflate: inflate,
  br: brotliDecompress,
};

function decoded(body: Buffer, coding: string | undefined): Promise<Uint8Array> {
  const name = (coding ?? "identity").trim().toLowerCase();
  if (name === "identity" || name === "") return Promise.resolve(body);
  const decode = DECODERS[name];
  if (!decode) return Promise.reject(new Error(`unsupported Content-Encoding '${coding}'`));
  return new Promise((resolve, reject) => decode(body, (err, out) => (err ? reject(err) : resolve(out))));
}

/** Reads the whole answer; a connection dropped before its end rejects (a network error). */
function readAll(res: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    res.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
    });
    res.on("end", () => {
      if (!res.complete)
        reject(Object.assign(new Error("connection closed mid-answer"), { code: "ECONNRESET" }));
      // One chunk (small answers) needs no copy.
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length));
    });
    res.on("error", reject);
    res.on("aborted", () => reject(Object.assign(new Error("answer aborted"), { code: "ECONNRESET" })));
  });
}

export const nodeTransport: HttpTransport = (url, init) =>
  new Promise<HttpAnswer>((resolve, reject) => {
    const target = new URL(url);
    const https = target.protocol === "https:";
    const mod = https ? nodeHttps() : nodeHttp();
    const agent = https
      ? (agents.https ??= new mod.Agent({ keepAlive: true }))
      : (agents.http ??= new mod.Agent({ keepAlive: true }));
    const req = mod.request(
      target,
      { method: init.method, headers: init.headers, agent, signal: init.signal },
      (res) => {
        readAll(res)
          .then((body) => decoded(body, res.headers["content-encoding"] as string | undefined))
          .then((bytes) => {
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(res.headers))
              if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
            resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage, headers, bytes });
          }, reject);
      },
    );
    req.on("error", reject);
    req.end(init.body);
  });

/**
 * The `edgelog witness` HTTP server: C2SP tlog-witness `add-checkpoint` and the monitoring
 * `GET /<hex SHA-256 of origin>/checkpoint`. Requests are decided one at a time, and the new
 * state is written before answering, so the check of the old size and the update are atomic.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { nodeHttp } from "../builtin";
import { sha256 } from "@noble/hashes/sha2.js";
import { toHex, utf8 } from "../../core/bytes";
import type { Cosigner, NoteVerifier } from "../../core/note";
import {
  decideAddCheckpoint,
  parseAddCheckpoint,
  type WitnessedCheckpoint,
} from "../../core/witness/add-checkpoint";
import { saveWitnessState } from "./state";

/** Largest add-checkpoint body: 63 proof lines and a checkpoint with a few signatures fit well within. */
export const MAX_REQUEST_BYTES = 64 * 1024;

export interface WitnessOptions {
  cosigner: Cosigner;
  /** Trusted log keys per origin. */
  logs: ReadonlyMap<string, readonly NoteVerifier[]>;
  state: Map<string, WitnessedCheckpoint>;
  statePath: string;
  /** Refusals and cosignatures, one line each (the spec lets a witness log refused requests as evidence). */
  log: (line: string) => void;
  now: () => number;
}

export function witnessServer(opts: WitnessOptions): Server {
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work);
    queue = run.catch(() => {});
    return run;
  };
  const byOriginHash = () => new Map([...opts.state.keys()].map((o) => [toHex(sha256(utf8(o))), o]));

  return nodeHttp().createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      opts.log(`internal error: ${(err as Error).message}`);
      if (!res.headersSent) send(res, 500, "text/plain; charset=utf-8", "internal error\n");
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://witness").pathname;
    if (req.method === "POST" && path === "/add-checkpoint") {
      const body = await readBody(req);
      if (body === null)
        return send(res, 413, "text/plain; charset=utf-8", `request body over ${MAX_REQUEST_BYTES} bytes\n`);
      const request = parseAddCheckpoint(body);
      if ("error" in request) return send(res, 400, "text/plain; charset=utf-8", `${request.error}\n`);
      const outcome = await serial(async () => {
        const origin = request.note.slice(0, Math.max(0, request.note.indexOf("\n")));
        const decided = await decideAddCheckpoint(
          request,
          opts.logs,
          opts.state.get(origin) ?? null,
          opts.cosigner,
          opts.now(),
        );
        if (decided.status === 200) {
          const next = new Map(opts.state).set(decided.origin, decided.record);
          await saveWitnessState(opts.statePath, next);
          opts.state.set(decided.origin, decided.record);
        }
        return decided;
      });
      if (outcome.status === 200) {
        opts.log(`cosigned ${outcome.origin} at size ${outcome.record.size}`);
        return send(res, 200, "text/plain; charset=utf-8", outcome.cosignature);
      }
      if (outcome.status === 409) {
        opts.log(`409: old size ${request.oldSize}, latest cosigned ${outcome.size}`);
        return send(res, 409, "text/x.tlog.size", `${outcome.size}\n`);
      }
      opts.log(`${outcome.status}: ${outcome.message}`);
      return send(res, outcome.status, "text/plain; charset=utf-8", `${outcome.message}\n`);
    }
    const m = /^\/([0-9a-f]{64})\/checkpoint$/.exec(path);
    if (req.method === "GET" && m) {
      const origin = byOriginHash().get(m[1]!);
      const record = origin === undefined ? undefined : opts.state.get(origin);
      if (!record)
        return send(res, 404, "text/plain; charset=utf-8", "no checkpoint cosigned for that log\n");
      return send(res, 200, "text/plain; charset=utf-8", record.note);
    }
    send(res, 404, "text/plain; charset=utf-8", `no route for ${req.method} ${path}\n`);
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

/** The body as text, or null once it passes the limit. */
async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    total += (chunk as Buffer).length;
    if (total > MAX_REQUEST_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

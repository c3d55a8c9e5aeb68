/**
 * Baselines for the ingest figure, each a Worker + one Durable Object answering once the write
 * is durable (output gates hold the reply):
 * - `POST /v1/events`: the least such a logger can do — the raw request body stored as a single
 *   SQLite row. No authentication, parsing, validation, sampling, hashing or batching.
 * - `POST /v1/rows`: a plain per-row logger — the Worker parses the JSON array and computes each
 *   event's SHA-256 id (over its JSON text as re-serialized), the Durable Object INSERTs each
 *   event as its own row with its id. No validation.
 */
import { DurableObject } from "cloudflare:workers";

interface BaselineEnv {
  RAW_STORE: DurableObjectNamespace<RawStore>;
}

export class RawStore extends DurableObject<BaselineEnv> {
  constructor(ctx: DurableObjectState, env: BaselineEnv) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS requests (n INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  }

  /** Stores one request body; the reply waits for the write to be durable. */
  store(body: string): number {
    return Number(
      this.ctx.storage.sql.exec("INSERT INTO requests (body) VALUES (?) RETURNING n", body).one().n,
    );
  }

  /** Stores each event as one row (one INSERT each), in one transaction per request. */
  storeRows(rows: Array<[Uint8Array, string]>): number {
    const sql = this.ctx.storage.sql;
    sql.exec(
      "CREATE TABLE IF NOT EXISTS events (n INTEGER PRIMARY KEY, id BLOB NOT NULL, body TEXT NOT NULL)",
    );
    this.ctx.storage.transactionSync(() => {
      for (const [id, body] of rows) sql.exec("INSERT INTO events (id, body) VALUES (?, ?)", id, body);
    });
    return rows.length;
  }

  /** Bytes of the object's SQLite database, for comparing storage with edgelog's. */
  size(): { bytes: number; rows: number } {
    const rows = Number(this.ctx.storage.sql.exec("SELECT COUNT(*) AS c FROM requests").one().c);
    return { bytes: this.ctx.storage.sql.databaseSize, rows };
  }
}

export default {
  async fetch(request: Request, env: BaselineEnv): Promise<Response> {
    const url = new URL(request.url);
    const stub = env.RAW_STORE.getByName("baseline");
    if (url.pathname === "/healthz") return Response.json({ ok: true });
    if (url.pathname === "/v1/events" && request.method === "POST") {
      const n = await stub.store(await request.text());
      return Response.json({ stored: n });
    }
    if (url.pathname === "/v1/rows" && request.method === "POST") {
      const events = (await request.json()) as unknown[];
      const rows = await Promise.all(
        events.map(async (e): Promise<[Uint8Array, string]> => {
          const text = JSON.stringify(e);
          return [
            new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))),
            text,
          ];
        }),
      );
      return Response.json({ stored: await env.RAW_STORE.getByName("per-row").storeRows(rows) });
    }
    if (url.pathname === "/size") return Response.json(await stub.size());
    return new Response("not found", { status: 404 });
  },
} satisfies ExportedHandler<BaselineEnv>;

/**
 * Baseline for the ingest figure: the least a Worker + Durable Object logger can do. The Worker
 * hands the raw request body to one Durable Object, which stores it as a single SQLite row and
 * answers once the write is durable (output gates hold the reply). No authentication, parsing,
 * validation, sampling, hashing or batching: whatever edgelog costs beyond this is its overhead.
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
    return Number(this.ctx.storage.sql.exec("INSERT INTO requests (body) VALUES (?) RETURNING n", body).one().n);
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
    if (url.pathname === "/size") return Response.json(await stub.size());
    return new Response("not found", { status: 404 });
  },
} satisfies ExportedHandler<BaselineEnv>;

import { Hono } from "hono";
import type { AppEnv } from "./app-env";
import { ApiError } from "./api-error";
import { archiveFailure } from "./shard-errors";
import { readConfig } from "./config";
import { OPENAPI } from "./openapi";
import { authenticate } from "./middleware/auth";
import { admin } from "./routes/admin";
import { events } from "./routes/events";
import { logs } from "./routes/logs";
import { head } from "./routes/head";
import { stats } from "./routes/stats";
import { experiments } from "./routes/experiments";
import { otlpErrorResponse, otlpLogs, OTLP_LOGS_PATH } from "./routes/otlp";
import { refreshAllHeads } from "./tenant-head";
import { tiles } from "./routes/tiles";
import { openAdmin, witnessStatus } from "./routes/open-settings";

export { LogShard } from "../shard/log-shard";
export { TenantRegistry } from "../registry/registry";
export { TenantKeys } from "../registry/tenant-keys";

/** The Hono app; exported for route introspection (the OpenAPI test). */
export const app = new Hono<AppEnv>();

app.use("*", async (c, next) => {
  c.set("config", readConfig(c.env as unknown as Record<string, unknown>));
  await next();
});

app.get("/healthz", (c) => c.json({ ok: true }));
app.get("/openapi.json", (c) => c.json(OPENAPI));

// tlog-tiles checks access itself (public tenants need no key), so it comes before authenticate.
app.route("/v1/tiles", tiles);
app.use("/v1/*", authenticate);
app.route("/v1/events", events);
app.route("/v1/logs", logs);
app.route("/v1/admin", admin);
app.route("/v1/admin", openAdmin);
app.route("/v1/logs", witnessStatus);
app.route("/v1/head", head);
app.get("/v1/stats", stats);
app.get("/v1/experiments", experiments);
app.post(OTLP_LOGS_PATH, otlpLogs);

app.notFound((c) =>
  new ApiError(404, "not_found", `no route for ${c.req.method} ${new URL(c.req.url).pathname}`).toResponse(),
);

app.onError((err, c) => {
  if (err instanceof ApiError && new URL(c.req.url).pathname === OTLP_LOGS_PATH)
    return otlpErrorResponse(c.req.raw, err);
  if (err instanceof ApiError) return err.toResponse();
  // A read that needed bodies kept only in R2, which did not give them: 503, never a partial answer.
  const archived = archiveFailure(err);
  if (archived) return archived.toResponse();
  console.error("unhandled error", err);
  return new ApiError(
    500,
    "internal",
    "internal error; the request may be retried safely (ingest is idempotent)",
  ).toResponse();
});

export default {
  fetch: app.fetch,
  /** Cron trigger: re-signs every tenant's head (wrangler.toml `[triggers]`). */
  async scheduled(_controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
    ctx.waitUntil(refreshAllHeads(env, readConfig(env as unknown as Record<string, unknown>)));
  },
} satisfies ExportedHandler<Env>;

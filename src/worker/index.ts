import { Hono } from "hono";
export { LogShard } from "../shard/log-shard";

const app = new Hono<{ Bindings: Env }>();
app.get("/healthz", async (c) => {
  const stub = c.env.LOG_SHARD.getByName("x");
  return c.json({ ok: await stub.ping() });
});
export default app;

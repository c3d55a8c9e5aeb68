import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { tenantFor } from "../middleware/auth";
import { currentHead, headVerifierKey } from "../tenant-head";

export const head = new Hono<AppEnv>();

/** GET /v1/head: the tenant head (signed note) with the shard checkpoints it commits to. */
head.get("/", async (c) => {
  const tenant = tenantFor(c.var.principal, "read");
  return c.json(await currentHead(c.env, c.var.config, tenant));
});

/** GET /v1/head/key: the verifier key of the tenant head (key name = the tenant's origin). */
head.get("/key", async (c) => {
  const tenant = tenantFor(c.var.principal, "read");
  return c.text(`${await headVerifierKey(c.env, c.var.config, tenant)}\n`, 200, {
    "content-type": "text/plain; charset=utf-8",
  });
});

/**
 * Open-verification settings of a tenant (tiles access, witnesses) and the witnesses' progress
 * per log. `PUT|GET /v1/admin/tenants/{t}/open`, `GET /v1/logs/{log}/witnesses`.
 */
import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { ApiError, notFound } from "../api-error";
import { requireTenantAdmin, tenantFor } from "../middleware/auth";
import { logRef, shardStub, shardsOf } from "../routing";
import { validateOpenSettings } from "../../registry/open-settings";
import { refuseJurisdictionChange } from "../residency";

export const openAdmin = new Hono<AppEnv>();
export const witnessStatus = new Hono<AppEnv>();

const MAX_BODY = 64 * 1024;

openAdmin.put("/tenants/:tenant/open", async (c) => {
  const tenant = c.req.param("tenant");
  requireTenantAdmin(c.var.principal, tenant);
  const text = await c.req.text();
  if (text.length > MAX_BODY)
    throw new ApiError(413, "payload_too_large", `admin request bodies are limited to ${MAX_BODY} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ApiError(400, "invalid_json", `request body is not valid JSON: ${(err as Error).message}`);
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value) && "jurisdiction" in value) {
    const found = await c.env.REGISTRY.getByName("registry").getTenant(tenant);
    if (!found) throw notFound(`tenant '${tenant}'`);
    refuseJurisdictionChange(value as Record<string, unknown>, tenant, found.jurisdiction);
  }
  const checked = validateOpenSettings(value);
  if (!checked.ok)
    throw new ApiError(
      422,
      "invalid_settings",
      "the open-verification settings are not valid",
      checked.problems,
    );
  const stored = await c.env.REGISTRY.getByName("registry").setOpenSettings(tenant, checked.settings);
  if (!stored) throw notFound(`tenant '${tenant}'`);
  // Shards cache the witness list; tell them now so a new witness is asked without waiting for the next seal.
  const t = await c.env.REGISTRY.getByName("registry").getTenant(tenant);
  await Promise.all(
    shardsOf(t?.routing ?? []).map((shard) =>
      shardStub(
        c.env,
        logRef(c.var.config, { id: tenant, jurisdiction: t?.jurisdiction ?? null }, shard),
      ).refreshWitnesses(),
    ),
  );
  return c.json(checked.settings);
});

openAdmin.get("/tenants/:tenant/open", async (c) => {
  const tenant = c.req.param("tenant");
  requireTenantAdmin(c.var.principal, tenant);
  const settings = await c.env.REGISTRY.getByName("registry").getOpenSettings(tenant);
  if (!settings) throw notFound(`tenant '${tenant}'`);
  return c.json(settings);
});

witnessStatus.get("/:log/witnesses", async (c) => {
  const tenant = tenantFor(c.var.principal, "read");
  const raw = c.req.param("log");
  const shard = /^(0|[1-9][0-9]{0,5})$/.test(raw) ? Number(raw) : NaN;
  if (!shardsOf(tenant.routing).includes(shard)) throw notFound(`log '${raw}'`);
  return c.json(await shardStub(c.env, logRef(c.var.config, tenant, shard)).witnessStatus());
});

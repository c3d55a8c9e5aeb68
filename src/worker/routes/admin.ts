import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { ApiError, notFound } from "../api-error";
import { forgetKey, forgetTenant, requireTenantAdmin } from "../middleware/auth";
import {
  isScope,
  MAX_ADMIN_BODY_BYTES,
  MAX_POLICY_BYTES,
  MAX_SHARDS,
  MAX_TENANT_NAME_CHARS,
  SCOPES,
  TENANT_ID_PATTERN,
  type Scope,
} from "../../core/protocol";
import { jsonType } from "../body/parse-events";
import { DEFAULT_POLICY, validatePolicy } from "../../core/policy";
import {
  jurisdictionChangeRefused,
  refuseJurisdictionChange,
  requestedJurisdiction,
  requireArchiveBinding,
  residencyReport,
} from "../residency";

export const admin = new Hono<AppEnv>();

async function jsonBody(req: Request): Promise<Record<string, unknown>> {
  const text = await req.text();
  if (text.length > MAX_ADMIN_BODY_BYTES)
    throw new ApiError(
      413,
      "payload_too_large",
      `admin request bodies are limited to ${MAX_ADMIN_BODY_BYTES} bytes`,
    );
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ApiError(400, "invalid_json", `request body is not valid JSON: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ApiError(400, "invalid_body", `request body must be a JSON object, found ${jsonType(value)}`);
  }
  return value as Record<string, unknown>;
}

function registry(env: Env) {
  return env.REGISTRY.getByName("registry");
}

/** The object holding `tenant`'s keys (named by the tenant id, which every key carries). */
function tenantKeys(env: Env, tenant: string) {
  return env.TENANT_KEYS.getByName(tenant);
}

/**
 * POST /v1/admin/tenants {"name", "id"?, "shards"?, "jurisdiction"?}: operator only. Giving the
 * shard count here (rather than by PUT …/shards later) leaves a single routing generation, so
 * ingest never has to look for earlier copies of an event in other shards. A jurisdiction binds
 * the tenant's data to it for good (README "Data residency"); the answer says whether this
 * runtime enforces it.
 */
admin.post("/tenants", async (c) => {
  if (c.var.principal.kind !== "operator") {
    throw new ApiError(403, "forbidden", "creating tenants needs the deployment's admin token");
  }
  const body = await jsonBody(c.req.raw);
  const name = body.name;
  if (typeof name !== "string" || name.trim().length === 0 || name.length > MAX_TENANT_NAME_CHARS) {
    throw new ApiError(
      422,
      "invalid_tenant",
      `'name' must be a non-empty string of at most ${MAX_TENANT_NAME_CHARS} characters`,
      [
        {
          path: "/name",
          message: `must be a non-empty string of at most ${MAX_TENANT_NAME_CHARS} characters`,
        },
      ],
    );
  }
  const id =
    body.id ??
    name
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, "-")
      .replace(/^-+|-+$/g, "");
  if (typeof id !== "string" || !TENANT_ID_PATTERN.test(id)) {
    throw new ApiError(
      422,
      "invalid_tenant",
      `tenant id '${String(id)}' must match ${TENANT_ID_PATTERN.source}`,
      [
        {
          path: body.id === undefined ? "/name" : "/id",
          message: `must give an id matching ${TENANT_ID_PATTERN.source}`,
        },
      ],
    );
  }
  const shards = body.shards ?? 1;
  if (typeof shards !== "number" || !Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS) {
    throw new ApiError(422, "invalid_shards", `'shards' must be an integer from 1 to ${MAX_SHARDS}`, [
      { path: "/shards", message: `must be an integer from 1 to ${MAX_SHARDS}` },
    ]);
  }
  const jurisdiction = requestedJurisdiction(body);
  requireArchiveBinding(c.env, jurisdiction);
  const result = await registry(c.env).createTenant(id, name.trim(), shards, jurisdiction);
  if (!result.ok) {
    if (result.jurisdiction !== jurisdiction)
      throw jurisdictionChangeRefused(id, result.jurisdiction, jurisdiction);
    throw new ApiError(409, "tenant_exists", `tenant '${id}' already exists`);
  }
  return c.json(
    {
      id: result.tenant.id,
      name: result.tenant.name,
      created_at: result.tenant.created_at,
      shards: result.tenant.routing[0]!.shards,
      jurisdiction: result.tenant.jurisdiction,
      residency: residencyReport(c.env, result.tenant.jurisdiction),
    },
    201,
  );
});

/** POST /v1/admin/tenants/{t}/keys {"scopes": [...]} → the key, shown only here. */
admin.post("/tenants/:tenant/keys", async (c) => {
  const tenant = c.req.param("tenant");
  requireTenantAdmin(c.var.principal, tenant);
  const body = await jsonBody(c.req.raw);
  const scopes = body.scopes;
  if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every(isScope)) {
    throw new ApiError(422, "invalid_scopes", `'scopes' must be a non-empty array of: ${SCOPES.join(", ")}`, [
      { path: "/scopes", message: `must be a non-empty array of: ${SCOPES.join(", ")}` },
    ]);
  }
  const unique = [...new Set(scopes as Scope[])];
  const id = await registry(c.env).reserveKeyId(tenant);
  if (id === null) throw notFound(`tenant '${tenant}'`);
  const { key, created_at } = await tenantKeys(c.env, tenant).addKey(tenant, id, unique);
  forgetKey(tenant, id);
  return c.json({ id, key, scopes: unique, tenant, created_at }, 201);
});

/**
 * GET /v1/admin/tenants/{t}/keys: every key of the tenant (revoked ones too) with its scopes,
 * creation time and last use (to within a minute), so a leaked or forgotten key can be found
 * and revoked. Never the key nor its hash.
 */
admin.get("/tenants/:tenant/keys", async (c) => {
  const tenant = c.req.param("tenant");
  requireTenantAdmin(c.var.principal, tenant);
  if (!(await registry(c.env).getTenant(tenant))) throw notFound(`tenant '${tenant}'`);
  const keys = await tenantKeys(c.env, tenant).listKeys();
  return c.json({ tenant, keys });
});

/** DELETE /v1/admin/keys/{id}: revokes a key (a tenant admin only its own tenant's keys). */
admin.delete("/keys/:id", async (c) => {
  const id = c.req.param("id");
  const principal = c.var.principal;
  let tenant: string | null = null;
  if (principal.kind === "key") {
    if (!principal.scopes.includes("admin")) {
      throw new ApiError(
        403,
        "forbidden",
        `this key lacks the 'admin' scope (it has: ${principal.scopes.join(", ")})`,
      );
    }
    tenant = principal.tenant;
  }
  const owner = await registry(c.env).tenantOfKey(id);
  // A key of another tenant answers as if absent, like an unknown one.
  if (owner === null || (tenant !== null && owner !== tenant)) throw notFound(`key '${id}'`);
  if (!(await tenantKeys(c.env, owner).revokeKey(id))) throw notFound(`key '${id}'`);
  forgetKey(owner, id);
  return c.json({ id, revoked: true });
});

/**
 * GET /v1/admin/tenants/{t}: the tenant with its routing generations, its jurisdiction and
 * whether this runtime enforces it.
 */
admin.get("/tenants/:tenant", async (c) => {
  const tenant = c.req.param("tenant");
  requireTenantAdmin(c.var.principal, tenant);
  const found = await registry(c.env).getTenant(tenant);
  if (!found) throw notFound(`tenant '${tenant}'`);
  return c.json({ ...found, residency: residencyReport(c.env, found.jurisdiction) });
});

/**
 * PUT /v1/admin/tenants/{t}/shards {"shards": N}: new events spread over N logs from now on.
 * Earlier routing generations are kept, so events stored under them stay findable.
 */
admin.put("/tenants/:tenant/shards", async (c) => {
  const tenant = c.req.param("tenant");
  requireTenantAdmin(c.var.principal, tenant);
  const body = await jsonBody(c.req.raw);
  if ("jurisdiction" in body) {
    const found = await registry(c.env).getTenant(tenant);
    if (!found) throw notFound(`tenant '${tenant}'`);
    refuseJurisdictionChange(body, tenant, found.jurisdiction);
  }
  const shards = body.shards;
  if (typeof shards !== "number" || !Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS) {
    throw new ApiError(422, "invalid_shards", `'shards' must be an integer from 1 to ${MAX_SHARDS}`, [
      { path: "/shards", message: `must be an integer from 1 to ${MAX_SHARDS}` },
    ]);
  }
  const routing = await registry(c.env).setShards(tenant, shards);
  if (!routing) throw notFound(`tenant '${tenant}'`);
  forgetTenant(tenant);
  return c.json({ id: tenant, routing });
});

/**
 * PUT /v1/admin/tenants/{t}/policy: the tenant's sampling policy (schema/policy.schema.json).
 * A bad policy is refused whole (422, every problem listed); a good one applies to events
 * received from then on (isolates that cached the old one switch within AUTH_CACHE_MS).
 */
admin.put("/tenants/:tenant/policy", async (c) => {
  const tenant = c.req.param("tenant");
  requireTenantAdmin(c.var.principal, tenant);
  const body = await jsonBody(c.req.raw);
  const verdict = validatePolicy(body);
  if (!verdict.ok) {
    const listed = verdict.errors.length;
    const more = verdict.total - listed;
    const which = more > 0 ? `; the first ${listed} are listed, ${more} more are not` : "";
    throw new ApiError(
      422,
      "invalid_policy",
      `the policy has ${verdict.total} problem(s)${which}; nothing was changed`,
      [...verdict.errors],
    );
  }
  const text = JSON.stringify(body);
  if (text.length > MAX_POLICY_BYTES)
    throw new ApiError(413, "payload_too_large", `policies are limited to ${MAX_POLICY_BYTES} bytes`);
  if (!(await registry(c.env).setPolicy(tenant, text))) throw notFound(`tenant '${tenant}'`);
  forgetTenant(tenant);
  return c.json({ tenant, policy: body, default: false });
});

/** GET /v1/admin/tenants/{t}/policy: the policy in force (the default one when none is set). */
admin.get("/tenants/:tenant/policy", async (c) => {
  const tenant = c.req.param("tenant");
  requireTenantAdmin(c.var.principal, tenant);
  if (!(await registry(c.env).getTenant(tenant))) throw notFound(`tenant '${tenant}'`);
  const stored = await registry(c.env).getPolicy(tenant);
  return c.json({
    tenant,
    policy: stored === null ? DEFAULT_POLICY : (JSON.parse(stored) as unknown),
    default: stored === null,
  });
});

/** DELETE /v1/admin/tenants/{t}/policy: back to the default policy. */
admin.delete("/tenants/:tenant/policy", async (c) => {
  const tenant = c.req.param("tenant");
  requireTenantAdmin(c.var.principal, tenant);
  if (!(await registry(c.env).setPolicy(tenant, null))) throw notFound(`tenant '${tenant}'`);
  forgetTenant(tenant);
  return c.json({ tenant, policy: DEFAULT_POLICY, default: true });
});

import { createMiddleware } from "hono/factory";
import { keyMatches, parseKey, secretEquals } from "../../registry/credentials";
import type { Jurisdiction, Scope } from "../../core/protocol";
import type { RoutingVersion } from "../../registry/registry";
import { LAST_USED_RESOLUTION_MS } from "../../registry/tenant-keys";
import { ApiError } from "../api-error";
import type { AppEnv } from "../app-env";
import { AuthCache, type AuthSources } from "./auth-cache";

/** Who is calling: the deployment's admin token, or a tenant's key with its scopes. */
export type Principal =
  | { kind: "operator" }
  | {
      kind: "key";
      keyId: string;
      tenant: string;
      scopes: readonly Scope[];
      routing: readonly RoutingVersion[];
      policy: string | null;
      jurisdiction: Jurisdiction | null;
    };

// Per isolate: saves registry round trips on most requests. A revoked key may therefore keep
// working for up to AUTH_CACHE_MS in isolates that looked it up before (documented in README).
const cache = new AuthCache();

/** Clears this isolate's cached lookup of key `keyId` of `tenant` (after a revocation or creation). */
export function forgetKey(tenant: string, keyId: string): void {
  cache.forgetKey(tenant, keyId);
}

/** Clears this isolate's cached routing and policy of `tenant` (after a change). */
export function forgetTenant(tenant: string): void {
  cache.forgetTenant(tenant);
}

/** Key records come from the tenant's own TenantKeys object; routing and policy from the registry. */
function sourcesOf(env: Env): AuthSources {
  return {
    key: async (tenant, id) => env.TENANT_KEYS.getByName(tenant).lookupKey(id),
    tenant: async (tenant) => env.REGISTRY.getByName("registry").tenantContext(tenant),
  };
}

const unauthorized = (message: string) =>
  new ApiError(401, "unauthorized", message, [], { "www-authenticate": 'Bearer realm="edgelog"' });

/**
 * Records the key's use when the time this isolate knows is older than a minute: at most one
 * call per key per isolate per LAST_USED_RESOLUTION_MS, and the key object writes at most once
 * per interval whatever the number of isolates.
 */
async function noteUse(
  env: Env,
  tenant: string,
  record: { id: string; last_used_at: string | null },
): Promise<void> {
  const now = Date.now();
  if (record.last_used_at !== null && now - Date.parse(record.last_used_at) < LAST_USED_RESOLUTION_MS) return;
  const at = new Date(now).toISOString();
  record.last_used_at = at;
  try {
    await env.TENANT_KEYS.getByName(tenant).touchKey(record.id, at);
  } catch (error) {
    // The request was authenticated; a lost "last used" note must not fail it.
    console.error("could not record a key's use", error);
  }
}

/** Authenticates `Authorization: Bearer <key>`; sets `c.var.principal`. */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("authorization");
  if (!header) throw unauthorized("missing Authorization header (expected: Bearer <key>)");
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  if (!m) throw unauthorized("malformed Authorization header (expected: Bearer <key>)");
  const token = m[1]!;
  const adminToken = c.env.EDGELOG_ADMIN_TOKEN;
  if (typeof adminToken === "string" && adminToken.length > 0 && !token.startsWith("elk_")) {
    if (await secretEquals(token, adminToken)) {
      c.set("principal", { kind: "operator" });
      return next();
    }
    throw unauthorized("invalid API key");
  }
  const name = parseKey(token);
  if (!name) throw unauthorized("invalid API key");
  const sources = sourcesOf(c.env);
  const ttl = c.var.config.authCacheMs;
  const record = await cache.key(sources, name.tenant, name.id, ttl);
  if (!record || record.revoked || !(await keyMatches(token, record.hash))) {
    throw unauthorized("invalid API key");
  }
  // Only a key that matched reaches the registry, and then once per tenant per AUTH_CACHE_MS.
  const context = await cache.tenant(sources, name.tenant, ttl);
  if (!context) throw unauthorized("invalid API key");
  await noteUse(c.env, name.tenant, record);
  c.set("principal", {
    kind: "key",
    keyId: name.id,
    tenant: name.tenant,
    scopes: record.scopes,
    routing: context.routing,
    policy: context.policy,
    jurisdiction: context.jurisdiction,
  });
  return next();
});

export interface TenantScope {
  id: string;
  routing: readonly RoutingVersion[];
  /** The tenant's policy document (JSON), or null for the default policy. */
  policy: string | null;
  /** The key making the call (the default producer of its events). */
  keyId: string;
  /** Where the tenant's data must stay (README "Data residency"); null: unrestricted. */
  jurisdiction: Jurisdiction | null;
}

/**
 * The tenant a tenant-scoped route acts for, after checking `scope`. The operator token is not
 * a tenant key: it administers tenants but does not read or write their events.
 */
export function tenantFor(principal: Principal, scope: Scope): TenantScope {
  if (principal.kind === "operator") {
    throw new ApiError(403, "forbidden", `the admin token cannot be used for '${scope}'; use a tenant key`);
  }
  if (!principal.scopes.includes(scope)) {
    throw new ApiError(
      403,
      "forbidden",
      `this key lacks the '${scope}' scope (it has: ${principal.scopes.join(", ") || "none"})`,
    );
  }
  return {
    id: principal.tenant,
    routing: principal.routing,
    policy: principal.policy,
    keyId: principal.keyId,
    jurisdiction: principal.jurisdiction,
  };
}

/**
 * For admin routes on tenant `tenant`: the operator may act on any tenant; a key only with the
 * `admin` scope, and only on its own tenant. The scope is checked first (403, which says
 * nothing about other tenants); another tenant then answers 404, as if absent, so tenants
 * cannot probe each other's names.
 */
export function requireTenantAdmin(principal: Principal, tenant: string): void {
  if (principal.kind === "operator") return;
  if (!principal.scopes.includes("admin")) {
    throw new ApiError(
      403,
      "forbidden",
      `this key lacks the 'admin' scope (it has: ${principal.scopes.join(", ") || "none"})`,
    );
  }
  if (principal.tenant !== tenant) throw new ApiError(404, "not_found", `tenant '${tenant}' not found`);
}

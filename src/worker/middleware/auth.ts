import { createMiddleware } from "hono/factory";
import { keyIdOf, keyMatches, secretEquals } from "../../registry/credentials";
import type { Scope } from "../../core/protocol";
import type { KeyRecord, RoutingVersion } from "../../registry/registry";
import { ApiError } from "../api-error";
import type { AppEnv } from "../app-env";

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
    };

interface CacheEntry {
  record: KeyRecord | null;
  expires: number;
}
// Per isolate: saves a registry round trip on every request. A revoked key may therefore keep
// working for up to AUTH_CACHE_MS in isolates that looked it up before (documented in README).
const keyCache = new Map<string, CacheEntry>();
const KEY_CACHE_MAX = 10_000;

/** Clears this isolate's cached lookup of `keyId` (after a revocation through this isolate). */
export function forgetKey(keyId: string): void {
  keyCache.delete(keyId);
}

/** Clears this isolate's cached lookups of every key of `tenant` (after a routing change). */
export function forgetTenant(tenant: string): void {
  for (const [id, entry] of keyCache) if (entry.record?.tenant === tenant) keyCache.delete(id);
}

async function lookup(env: Env, keyId: string, cacheMs: number): Promise<KeyRecord | null> {
  const now = Date.now();
  const hit = keyCache.get(keyId);
  if (hit && hit.expires > now) return hit.record;
  const record = await env.REGISTRY.getByName("registry").lookupKey(keyId);
  if (keyCache.size >= KEY_CACHE_MAX) keyCache.clear();
  keyCache.set(keyId, { record, expires: now + cacheMs });
  return record;
}

const unauthorized = (message: string) =>
  new ApiError(401, "unauthorized", message, [], { "www-authenticate": 'Bearer realm="edgelog"' });

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
  const keyId = keyIdOf(token);
  if (!keyId) throw unauthorized("invalid API key");
  const record = await lookup(c.env, keyId, c.var.config.authCacheMs);
  if (!record || record.revoked || !(await keyMatches(token, record.hash))) {
    throw unauthorized("invalid API key");
  }
  c.set("principal", {
    kind: "key",
    keyId,
    tenant: record.tenant,
    scopes: record.scopes,
    routing: record.routing,
    policy: record.policy,
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
    throw new ApiError(403, "forbidden", `this key lacks the '${scope}' scope (it has: ${principal.scopes.join(", ") || "none"})`);
  }
  return { id: principal.tenant, routing: principal.routing, policy: principal.policy, keyId: principal.keyId };
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
    throw new ApiError(403, "forbidden", `this key lacks the 'admin' scope (it has: ${principal.scopes.join(", ") || "none"})`);
  }
  if (principal.tenant !== tenant) throw new ApiError(404, "not_found", `tenant '${tenant}' not found`);
}

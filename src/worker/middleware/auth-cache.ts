import type { TenantContext } from "../../registry/registry";
import type { StoredKey } from "../../registry/tenant-keys";
import { BoundedCache } from "./bounded-cache";

/** Where the cache gets what it does not hold: the tenant's key object and the registry. */
export interface AuthSources {
  key(tenant: string, id: string): Promise<StoredKey | null>;
  tenant(tenant: string): Promise<TenantContext | null>;
}

/** The bounds of one isolate's authentication cache (README "Limits"). */
export const AUTH_CACHE_LIMITS = {
  /** Keys that exist (each entry holds a hash and scopes: well under 1 KB). */
  keys: 10_000,
  /** Keys that do not exist, kept apart so that a flood of made-up keys cannot evict real ones. */
  unknownKeys: 10_000,
  /** How long "no such key" is believed, at most (AUTH_CACHE_MS when shorter). */
  unknownKeyMs: 5_000,
  /** Tenants' routing and policy: one copy per tenant, whatever number of its keys are in use. */
  tenants: 1_000,
  /** Sum of the cached tenants' policy and routing sizes (UTF-16 bytes). */
  tenantBytes: 8 * 1024 * 1024,
} as const;

/** Estimated memory of a tenant's context: its strings at two bytes a character, plus overhead. */
export function tenantContextBytes(context: TenantContext): number {
  return 2 * ((context.policy?.length ?? 0) + JSON.stringify(context.routing).length) + 256;
}

/**
 * One isolate's memory of key and tenant lookups. Keys are cached by (tenant, id); the
 * tenant's routing and policy once per tenant, bounded by count and bytes (a 64 KiB policy is
 * not copied for each of the tenant's keys). Lookups of one name already under way are shared.
 */
export class AuthCache {
  private readonly keys = new BoundedCache<StoredKey>(AUTH_CACHE_LIMITS.keys, Number.POSITIVE_INFINITY);
  private readonly unknown = new BoundedCache<true>(AUTH_CACHE_LIMITS.unknownKeys, Number.POSITIVE_INFINITY);
  private readonly tenants = new BoundedCache<TenantContext | null>(
    AUTH_CACHE_LIMITS.tenants,
    AUTH_CACHE_LIMITS.tenantBytes,
    (c) => (c === null ? 64 : tenantContextBytes(c)),
  );
  private readonly pendingKeys = new Map<string, Promise<StoredKey | null>>();
  private readonly pendingTenants = new Map<string, Promise<TenantContext | null>>();

  /** Key `id` of `tenant`, from the cache when looked up less than `ttlMs` ago. */
  async key(
    sources: AuthSources,
    tenant: string,
    id: string,
    ttlMs: number,
    now = Date.now(),
  ): Promise<StoredKey | null> {
    const name = `${tenant}/${id}`;
    const hit = this.keys.get(name, now);
    if (hit) return hit;
    if (this.unknown.get(name, now)) return null;
    let pending = this.pendingKeys.get(name);
    if (!pending) {
      pending = sources.key(tenant, id).finally(() => this.pendingKeys.delete(name));
      this.pendingKeys.set(name, pending);
    }
    const found = await pending;
    if (found) this.keys.set(name, found, now + ttlMs);
    else this.unknown.set(name, true, now + Math.min(ttlMs, AUTH_CACHE_LIMITS.unknownKeyMs));
    return found;
  }

  /** The routing and policy of `tenant`, from the cache when looked up less than `ttlMs` ago. */
  async tenant(
    sources: AuthSources,
    tenant: string,
    ttlMs: number,
    now = Date.now(),
  ): Promise<TenantContext | null> {
    const hit = this.tenants.get(tenant, now);
    if (hit !== undefined) return hit;
    let pending = this.pendingTenants.get(tenant);
    if (!pending) {
      pending = sources.tenant(tenant).finally(() => this.pendingTenants.delete(tenant));
      this.pendingTenants.set(tenant, pending);
    }
    const found = await pending;
    this.tenants.set(tenant, found, now + ttlMs);
    return found;
  }

  /** Forgets key `id` of `tenant` (after a revocation or a creation through this isolate). */
  forgetKey(tenant: string, id: string): void {
    this.keys.delete(`${tenant}/${id}`);
    this.unknown.delete(`${tenant}/${id}`);
  }

  /** Forgets the routing and policy of `tenant` (after a change through this isolate). */
  forgetTenant(tenant: string): void {
    this.tenants.delete(tenant);
  }

  /** What the cache holds, for tests and diagnostics. */
  usage(): { keys: number; unknownKeys: number; tenants: number; tenantBytes: number } {
    return {
      keys: this.keys.size,
      unknownKeys: this.unknown.size,
      tenants: this.tenants.size,
      tenantBytes: this.tenants.totalBytes,
    };
  }
}

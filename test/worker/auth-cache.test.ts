import { describe, expect, it } from "vitest";
import type { TenantContext } from "../../src/registry/registry";
import type { StoredKey } from "../../src/registry/tenant-keys";
import { AUTH_CACHE_LIMITS, AuthCache, type AuthSources } from "../../src/worker/middleware/auth-cache";
import { BoundedCache } from "../../src/worker/middleware/bounded-cache";

const TTL = 10_000;
const routing = [{ version: 1, shards: 1, since: "2026-01-01T00:00:00.000Z" }];

/** Sources that count their calls: `key` stands for the tenant's object, `tenant` for the registry. */
function countingSources(policy: string | null, known: (tenant: string, id: string) => boolean) {
  const calls = { key: 0, tenant: 0 };
  const sources: AuthSources = {
    key: async (_tenant, id): Promise<StoredKey | null> => {
      calls.key++;
      return known(_tenant, id)
        ? { id, scopes: ["read"], hash: "00".repeat(32), revoked: false, last_used_at: null }
        : null;
    },
    tenant: async (): Promise<TenantContext | null> => {
      calls.tenant++;
      return { routing, policy, jurisdiction: null };
    },
  };
  return { sources, calls };
}

describe("AuthCache", () => {
  it("keeps one copy of a tenant's policy however many of its keys are used", async () => {
    const policy = JSON.stringify({ rules: [], pad: "x".repeat(63 * 1024) });
    const { sources, calls } = countingSources(policy, () => true);
    const cache = new AuthCache();
    for (let i = 0; i < 1_500; i++) {
      const id = i.toString(16).padStart(12, "0");
      expect(await cache.key(sources, "acme", id, TTL, 0)).not.toBeNull();
      expect((await cache.tenant(sources, "acme", TTL, 0))?.policy).toBe(policy);
    }
    const usage = cache.usage();
    expect(usage.keys).toBe(1_500);
    expect(usage.tenants).toBe(1);
    expect(usage.tenantBytes).toBeLessThan(3 * policy.length);
    expect(calls.tenant).toBe(1);
  });

  it("bounds the tenants' policies by count and bytes", async () => {
    const policy = JSON.stringify({ rules: [], pad: "x".repeat(63 * 1024) });
    const { sources } = countingSources(policy, () => true);
    const cache = new AuthCache();
    for (let i = 0; i < 500; i++) await cache.tenant(sources, `t${i}`, TTL, 0);
    const usage = cache.usage();
    expect(usage.tenantBytes).toBeLessThanOrEqual(AUTH_CACHE_LIMITS.tenantBytes);
    expect(usage.tenants).toBeLessThan(500);
    expect(usage.tenants).toBeGreaterThan(0);
  });

  it("remembers unknown keys briefly, apart from known ones, and never asks the registry for them", async () => {
    const { sources, calls } = countingSources(null, (_t, id) => id === "aaaaaaaaaaaa");
    const cache = new AuthCache();
    expect(await cache.key(sources, "acme", "aaaaaaaaaaaa", TTL, 0)).not.toBeNull();
    const flood = AUTH_CACHE_LIMITS.unknownKeys + 500;
    for (let i = 0; i < flood; i++)
      expect(await cache.key(sources, "acme", `f${i.toString(16).padStart(11, "0")}`, TTL, 0)).toBeNull();
    expect(calls.tenant).toBe(0);
    expect(calls.key).toBe(flood + 1);
    const usage = cache.usage();
    expect(usage.unknownKeys).toBe(AUTH_CACHE_LIMITS.unknownKeys);
    expect(usage.keys).toBe(1);
    // Asked again within the negative lifetime: answered from memory.
    const last = `f${(flood - 1).toString(16).padStart(11, "0")}`;
    expect(await cache.key(sources, "acme", last, TTL, AUTH_CACHE_LIMITS.unknownKeyMs - 1)).toBeNull();
    expect(calls.key).toBe(flood + 1);
    // After it: asked again.
    expect(await cache.key(sources, "acme", last, TTL, AUTH_CACHE_LIMITS.unknownKeyMs)).toBeNull();
    expect(calls.key).toBe(flood + 2);
    // The known key survived the flood.
    expect(await cache.key(sources, "acme", "aaaaaaaaaaaa", TTL, 1)).not.toBeNull();
    expect(calls.key).toBe(flood + 2);
  });

  it("shares a lookup already under way", async () => {
    const { sources, calls } = countingSources(null, () => true);
    const cache = new AuthCache();
    await Promise.all(Array.from({ length: 20 }, () => cache.key(sources, "acme", "bbbbbbbbbbbb", TTL, 0)));
    await Promise.all(Array.from({ length: 20 }, () => cache.tenant(sources, "acme", TTL, 0)));
    expect(calls).toEqual({ key: 1, tenant: 1 });
  });

  it("forgets a key and a tenant on request, and entries after their lifetime", async () => {
    const { sources, calls } = countingSources(null, () => true);
    const cache = new AuthCache();
    await cache.key(sources, "acme", "cccccccccccc", TTL, 0);
    cache.forgetKey("acme", "cccccccccccc");
    await cache.key(sources, "acme", "cccccccccccc", TTL, 0);
    await cache.key(sources, "acme", "cccccccccccc", TTL, TTL);
    await cache.tenant(sources, "acme", TTL, 0);
    cache.forgetTenant("acme");
    await cache.tenant(sources, "acme", TTL, 0);
    expect(calls).toEqual({ key: 3, tenant: 2 });
  });
});

describe("BoundedCache", () => {
  it("evicts the least recently used entries past its entry bound", () => {
    const cache = new BoundedCache<number>(2, Number.POSITIVE_INFINITY);
    cache.set("a", 1, 100);
    cache.set("b", 2, 100);
    expect(cache.get("a", 0)).toBe(1);
    cache.set("c", 3, 100);
    expect(cache.get("b", 0)).toBeUndefined();
    expect(cache.get("a", 0)).toBe(1);
    expect(cache.get("c", 0)).toBe(3);
  });

  it("evicts past its byte bound and refuses an entry larger than the bound", () => {
    const cache = new BoundedCache<string>(100, 10, (v) => v.length);
    cache.set("a", "xxxx", 100);
    cache.set("b", "yyyy", 100);
    cache.set("c", "zzzz", 100);
    expect(cache.totalBytes).toBe(8);
    expect(cache.get("a", 0)).toBeUndefined();
    cache.set("big", "x".repeat(11), 100);
    expect(cache.get("big", 0)).toBeUndefined();
    expect(cache.totalBytes).toBe(8);
    cache.set("b", "y", 100);
    expect(cache.totalBytes).toBe(5);
  });

  it("drops expired entries", () => {
    const cache = new BoundedCache<string>(10, 100, (v) => v.length);
    cache.set("a", "xx", 50);
    expect(cache.get("a", 49)).toBe("xx");
    expect(cache.get("a", 50)).toBeUndefined();
    expect(cache.totalBytes).toBe(0);
    expect(cache.size).toBe(0);
  });
});

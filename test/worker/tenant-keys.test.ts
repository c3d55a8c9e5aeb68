import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { parseKey } from "../../src/registry/credentials";
import { ADMIN_TOKEN, call, newKey, newTenant } from "../support/api";

describe("keys name their tenant, whose own object holds them", () => {
  it("issues elk_<tenant>_<id>_<secret>, parsed from the end even when the tenant id has '_'", async () => {
    const created = await call("POST", "/v1/admin/tenants", {
      token: ADMIN_TOKEN,
      json: { name: "x", id: `a_b_${Date.now()}` },
    });
    expect(created.status).toBe(201);
    const tenant = ((await created.json()) as { id: string }).id;
    const key = await newKey(tenant, ["read"]);
    expect(parseKey(key.key)).toEqual({ tenant, id: key.id });
    expect((await call("GET", "/v1/logs", { token: key.key })).status).toBe(200);
    // The record is in the tenant's object.
    const stored = await env.TENANT_KEYS.getByName(tenant).lookupKey(key.id);
    expect(stored?.scopes).toEqual(["read"]);
  });

  it("refuses a key whose tenant part was changed to another tenant", async () => {
    const a = await newTenant(["read"]);
    const b = await newTenant(["read"]);
    const moved = a.key.replace(`elk_${a.id}_`, `elk_${b.id}_`);
    expect(parseKey(moved)).toEqual({ tenant: b.id, id: a.keyId });
    expect((await call("GET", "/v1/logs", { token: moved })).status).toBe(401);
    expect((await call("GET", "/v1/logs", { token: a.key })).status).toBe(200);
  });

  it("answers made-up keys 401 without creating storage for the tenant they name", async () => {
    const name = `ghost-${Math.random().toString(36).slice(2, 10)}`;
    for (let i = 0; i < 3; i++) {
      const key = `elk_${name}_${i.toString(16).padStart(12, "0")}_${"Q".repeat(43)}`;
      expect((await call("GET", "/v1/logs", { token: key })).status).toBe(401);
    }
    const tables = await runInDurableObject(
      env.TENANT_KEYS.getByName(name),
      (_instance, state) =>
        state.storage.sql
          .exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'keys'")
          .toArray().length,
    );
    expect(tables).toBe(0);
  });

  it("rejects the key format without a tenant (never released)", () => {
    expect(parseKey(`elk_0123456789ab_${"A".repeat(43)}`)).toBeNull();
  });

  it("revokes through the admin token and through the tenant's own admin key only", async () => {
    const a = await newTenant(["admin", "read"]);
    const b = await newTenant(["admin"]);
    const k = await newKey(a.id, ["read"]);
    expect((await call("DELETE", `/v1/admin/keys/${k.id}`, { token: b.key })).status).toBe(404);
    expect((await call("GET", "/v1/logs", { token: k.key })).status).toBe(200);
    expect((await call("DELETE", `/v1/admin/keys/${k.id}`, { token: a.key })).status).toBe(200);
    expect((await call("GET", "/v1/logs", { token: k.key })).status).toBe(401);
    expect((await call("DELETE", `/v1/admin/keys/${k.id}`, { token: ADMIN_TOKEN })).status).toBe(404);
  });
});

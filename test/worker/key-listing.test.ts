import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { hashKey } from "../../src/registry/credentials";
import { LAST_USED_RESOLUTION_MS } from "../../src/registry/tenant-keys";
import { ADMIN_TOKEN, call, newKey, newTenant } from "../support/api";

interface Listed {
  tenant: string;
  keys: Array<{
    id: string;
    scopes: string[];
    created_at: string;
    last_used_at: string | null;
    revoked_at: string | null;
  }>;
}

async function list(tenant: string, token: string): Promise<{ status: number; text: string }> {
  const res = await call("GET", `/v1/admin/tenants/${tenant}/keys`, { token });
  return { status: res.status, text: await res.text() };
}

describe("GET /v1/admin/tenants/{t}/keys", () => {
  it("lists ids, scopes, creation, last use and revocation, never a key or its hash", async () => {
    const t = await newTenant(["admin"]);
    const reader = await newKey(t.id, ["read", "ingest"]);
    const unused = await newKey(t.id, ["read"]);
    expect((await call("GET", "/v1/logs", { token: reader.key })).status).toBe(200);
    expect((await call("DELETE", `/v1/admin/keys/${unused.id}`, { token: ADMIN_TOKEN })).status).toBe(200);

    const { status, text } = await list(t.id, ADMIN_TOKEN);
    expect(status).toBe(200);
    const body = JSON.parse(text) as Listed;
    expect(body.tenant).toBe(t.id);
    const byId = new Map(body.keys.map((k) => [k.id, k]));
    expect([...byId.keys()].sort()).toEqual([t.keyId, reader.id, unused.id].sort());
    expect(byId.get(reader.id)).toEqual({
      id: reader.id,
      scopes: ["read", "ingest"],
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      last_used_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      revoked_at: null,
    });
    expect(byId.get(unused.id)!.last_used_at).toBeNull();
    expect(byId.get(unused.id)!.revoked_at).toMatch(/^\d{4}-/);
    for (const key of [t.key, reader.key, unused.key]) {
      expect(text).not.toContain(key.slice(-43));
      expect(text).not.toContain(await hashKey(key));
    }
  });

  it("follows the admin rules: admin token any tenant, own admin key, others 403 or 404", async () => {
    const a = await newTenant(["admin"]);
    const b = await newTenant(["admin"]);
    const readOnly = await newKey(a.id, ["read", "ingest"]);
    expect((await list(a.id, a.key)).status).toBe(200);
    expect((await list(a.id, ADMIN_TOKEN)).status).toBe(200);
    expect((await list(a.id, b.key)).status).toBe(404);
    expect((await list(a.id, readOnly.key)).status).toBe(403);
    expect((await list("no-such-tenant", ADMIN_TOKEN)).status).toBe(404);
    const own = JSON.parse((await list(b.id, b.key)).text) as Listed;
    expect(own.keys.map((k) => k.id)).toEqual([b.keyId]);
  });

  it("records a key's use at most once per minute", async () => {
    const t = await newTenant(["admin", "read"]);
    const lastUsed = async () =>
      (JSON.parse((await list(t.id, ADMIN_TOKEN)).text) as Listed).keys.find((k) => k.id === t.keyId)!
        .last_used_at;
    expect(await lastUsed()).toBeNull();
    expect((await call("GET", "/v1/logs", { token: t.key })).status).toBe(200);
    const first = await lastUsed();
    expect(first).not.toBeNull();
    for (let i = 0; i < 5; i++) expect((await call("GET", "/v1/logs", { token: t.key })).status).toBe(200);
    expect(await lastUsed()).toBe(first);

    // The key object itself refuses to write more often than once per interval, whoever asks.
    const keys = env.TENANT_KEYS.getByName(t.id);
    const base = Date.parse(first!);
    expect(await keys.touchKey(t.keyId, new Date(base + LAST_USED_RESOLUTION_MS / 2).toISOString())).toBe(
      false,
    );
    expect(await keys.touchKey(t.keyId, new Date(base + LAST_USED_RESOLUTION_MS).toISOString())).toBe(true);
    expect(await lastUsed()).toBe(new Date(base + LAST_USED_RESOLUTION_MS).toISOString());
  });
});

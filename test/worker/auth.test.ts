import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, call, ingest, newKey, newTenant } from "../support/api";
import { makeEvent } from "../support/events";

async function errorCode(res: Response): Promise<string> {
  return ((await res.json()) as { error: { code: string } }).error.code;
}

describe("authentication", () => {
  it("answers 401 without, or with a malformed, Authorization header", async () => {
    const none = await call("POST", "/v1/events", { json: makeEvent() });
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    const basic = await call("GET", "/v1/logs", { headers: { authorization: "Basic Zm9vOmJhcg==" } });
    expect(basic.status).toBe(401);
  });

  it("answers 401 to an unknown or forged key", async () => {
    const t = await newTenant();
    const forged = t.key.slice(0, -4) + (t.key.endsWith("AAAA") ? "BBBB" : "AAAA");
    expect((await call("GET", "/v1/logs", { token: forged })).status).toBe(401);
    expect((await call("GET", "/v1/logs", { token: "elk_000000000000_" + "A".repeat(43) })).status).toBe(401);
    expect(
      (await call("GET", "/v1/logs", { token: `elk_${t.id}_000000000000_` + "A".repeat(43) })).status,
    ).toBe(401);
    expect(
      (await call("GET", "/v1/logs", { token: "elk_no-such-tenant_000000000000_" + "A".repeat(43) })).status,
    ).toBe(401);
    expect((await call("GET", "/v1/logs", { token: "nonsense" })).status).toBe(401);
  });

  it("stores keys hashed and shows a key only when it is created", async () => {
    const t = await newTenant();
    const again = await call("POST", `/v1/admin/tenants/${t.id}/keys`, {
      token: ADMIN_TOKEN,
      json: { scopes: ["read"] },
    });
    const body = (await again.json()) as { key: string; id: string };
    expect(body.key).not.toBe(t.key);
    expect(body.key.startsWith(`elk_${t.id}_${body.id}_`)).toBe(true);
  });

  it("answers 401 once a key is revoked", async () => {
    const t = await newTenant();
    const k = await newKey(t.id, ["read"]);
    expect((await call("GET", "/v1/logs", { token: k.key })).status).toBe(200);
    const del = await call("DELETE", `/v1/admin/keys/${k.id}`, { token: ADMIN_TOKEN });
    expect(del.status).toBe(200);
    expect((await call("GET", "/v1/logs", { token: k.key })).status).toBe(401);
  });
});

describe("scopes", () => {
  it("answers 403 when the key lacks the scope", async () => {
    const t = await newTenant(["read"]);
    const res = await call("POST", "/v1/events", { token: t.key, json: makeEvent() });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe("forbidden");
    const ingestOnly = await newKey(t.id, ["ingest"]);
    expect((await call("GET", "/v1/logs", { token: ingestOnly.key })).status).toBe(403);
    expect(
      (
        await call("POST", `/v1/admin/tenants/${t.id}/keys`, {
          token: ingestOnly.key,
          json: { scopes: ["read"] },
        })
      ).status,
    ).toBe(403);
  });

  it("keeps the operator token out of tenant data, and tenant keys out of tenant creation", async () => {
    const t = await newTenant();
    expect((await call("POST", "/v1/events", { token: ADMIN_TOKEN, json: makeEvent() })).status).toBe(403);
    expect((await call("POST", "/v1/admin/tenants", { token: t.key, json: { name: "evil" } })).status).toBe(
      403,
    );
  });

  it("lets a tenant admin key create keys for its own tenant", async () => {
    const t = await newTenant(["admin"]);
    const res = await call("POST", `/v1/admin/tenants/${t.id}/keys`, {
      token: t.key,
      json: { scopes: ["ingest"] },
    });
    expect(res.status).toBe(201);
  });

  it("refuses bad scopes and bad tenant bodies with 422", async () => {
    const t = await newTenant();
    const res = await call("POST", `/v1/admin/tenants/${t.id}/keys`, {
      token: ADMIN_TOKEN,
      json: { scopes: ["root"] },
    });
    expect(res.status).toBe(422);
    expect((await call("POST", "/v1/admin/tenants", { token: ADMIN_TOKEN, json: { name: "" } })).status).toBe(
      422,
    );
    expect(
      (
        await call("POST", "/v1/admin/tenants", {
          token: ADMIN_TOKEN,
          body: "{",
          headers: { "content-type": "application/json" },
        })
      ).status,
    ).toBe(400);
  });

  it("answers 409 to a tenant that exists", async () => {
    const t = await newTenant();
    expect(
      (await call("POST", "/v1/admin/tenants", { token: ADMIN_TOKEN, json: { name: t.id } })).status,
    ).toBe(409);
  });
});

describe("tenant isolation", () => {
  it("never shows one tenant's data to another (404, not 403)", async () => {
    const a = await newTenant();
    const b = await newTenant();
    const { body } = await ingest(a.key, [makeEvent()]);
    const id = body.results[0]!.id!;
    expect((await call("GET", `/v1/events/${id}`, { token: a.key })).status).toBe(200);
    const foreign = await call("GET", `/v1/events/${id}`, { token: b.key });
    expect(foreign.status).toBe(404);
    expect(
      (await call("POST", `/v1/admin/tenants/${a.id}/keys`, { token: b.key, json: { scopes: ["read"] } }))
        .status,
    ).toBe(404);
    const keyOfA = await newKey(a.id, ["read"]);
    expect((await call("DELETE", `/v1/admin/keys/${keyOfA.id}`, { token: b.key })).status).toBe(404);
    expect((await call("GET", "/v1/logs", { token: keyOfA.key })).status).toBe(200);
  });
});

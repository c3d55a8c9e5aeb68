import { createExecutionContext, env, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ADMIN_TOKEN, BASE, call, ingest, KEEP_ALL_POLICY, newKey, newTenant } from "../support/api";
import { makeEvents } from "../support/events";
import { batchKey } from "../../src/shard/archive";
import { gunzip } from "../../src/shard/bundle";
import { openNote, parseCheckpoint, verifierFromVkey } from "../../src/core/note";
import { app } from "../../src/worker/index";
import type { Jurisdiction } from "../../src/core/protocol";

interface TenantAnswer {
  id: string;
  jurisdiction: Jurisdiction | null;
  residency: { enforced: boolean; archive_binding: string; warning?: string } | null;
}

let counter = 0;

async function createTenant(
  jurisdiction: unknown,
  id = `res${++counter}-${Math.random().toString(36).slice(2, 8)}`,
) {
  return call("POST", "/v1/admin/tenants", { token: ADMIN_TOKEN, json: { name: id, id, jurisdiction } });
}

/** A tenant bound to `jurisdiction` keeping every body, with a key of every scope. */
async function jurisdictionTenant(jurisdiction: Jurisdiction) {
  const res = await createTenant(jurisdiction);
  expect(res.status).toBe(201);
  const tenant = (await res.json()) as TenantAnswer;
  const set = await call("PUT", `/v1/admin/tenants/${tenant.id}/policy`, {
    token: ADMIN_TOKEN,
    json: KEEP_ALL_POLICY,
  });
  expect(set.status).toBe(200);
  const key = await newKey(tenant.id, ["ingest", "read", "admin"]);
  return { id: tenant.id, key: key.key, created: tenant };
}

async function until<T>(probe: () => Promise<T | null>, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await probe();
    if (value !== null) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

afterEach(() => vi.restoreAllMocks());

describe("data residency per tenant", () => {
  // First in the file: the warning is logged once per isolate, at the first use.
  it("in workerd, says residency is not enforced: in the create answer, the tenant record and one logged warning", async () => {
    const warn = vi.spyOn(console, "warn");
    const t = await jurisdictionTenant("eu");
    expect(t.created.jurisdiction).toBe("eu");
    expect(t.created.residency).toMatchObject({ enforced: false, archive_binding: "ARCHIVE_EU" });
    expect(t.created.residency!.warning).toMatch(/residency is not enforced in this runtime/);
    expect(t.created.residency!.warning).toMatch(/not implemented in workerd/);

    const got = await call("GET", `/v1/admin/tenants/${t.id}`, { token: ADMIN_TOKEN });
    expect(got.status).toBe(200);
    const record = (await got.json()) as TenantAnswer & { routing: unknown[] };
    expect(record.jurisdiction).toBe("eu");
    expect(record.residency).toEqual(t.created.residency);

    expect((await ingest(t.key, makeEvents(2))).status).toBe(200);
    expect((await ingest(t.key, makeEvents(2))).status).toBe(200);
    const warnings = warn.mock.calls.map((c) => String(c[0])).filter((m) => m.includes("residency"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/data residency is NOT enforced in this runtime/);
  });

  it("an unrestricted tenant has no jurisdiction and keeps its origins", async () => {
    const t = await newTenant();
    const got = (await (
      await call("GET", `/v1/admin/tenants/${t.id}`, { token: ADMIN_TOKEN })
    ).json()) as TenantAnswer;
    expect(got.jurisdiction).toBeNull();
    expect(got.residency).toBeNull();
    const { body } = await ingest(t.key, makeEvents(1));
    expect(body.results[0]!.log).toBe(`edgelog.localhost/${t.id}/0`);
  });

  it("refuses an unknown jurisdiction with 400 naming the allowed ones", async () => {
    for (const bad of ["us", "EU", 5, ""]) {
      const res = await createTenant(bad);
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as {
        error: { code: string; message: string; details: unknown[] };
      };
      expect(error.code).toBe("invalid_jurisdiction");
      expect(error.message).toContain('"eu", "fedramp"');
      expect(error.details).toEqual([{ path: "/jurisdiction", message: 'must be one of "eu", "fedramp"' }]);
    }
    // null is the same as absent: no restriction.
    const plain = await createTenant(null);
    expect(plain.status).toBe(201);
    expect(((await plain.json()) as TenantAnswer).jurisdiction).toBeNull();
  });

  it("never changes a tenant's jurisdiction: 409 wherever it could be set", async () => {
    const t = await jurisdictionTenant("eu");
    const again = await createTenant("fedramp", t.id);
    expect(again.status).toBe(409);
    const refused = ((await again.json()) as { error: { code: string; message: string } }).error;
    expect(refused.code).toBe("jurisdiction_immutable");
    expect(refused.message).toContain("jurisdiction 'eu'");
    expect(refused.message).toContain("cannot change");
    const unrestricted = await createTenant(null, t.id);
    expect(unrestricted.status).toBe(409);
    expect(((await unrestricted.json()) as { error: { code: string } }).error.code).toBe(
      "jurisdiction_immutable",
    );
    const same = await createTenant("eu", t.id);
    expect(same.status).toBe(409);
    expect(((await same.json()) as { error: { code: string } }).error.code).toBe("tenant_exists");

    for (const jurisdiction of ["fedramp", null]) {
      const shards = await call("PUT", `/v1/admin/tenants/${t.id}/shards`, {
        token: t.key,
        json: { shards: 2, jurisdiction },
      });
      expect(shards.status).toBe(409);
      expect(((await shards.json()) as { error: { code: string } }).error.code).toBe(
        "jurisdiction_immutable",
      );
    }
    const open = await call("PUT", `/v1/admin/tenants/${t.id}/open`, {
      token: ADMIN_TOKEN,
      json: { tiles: "public", jurisdiction: "fedramp" },
    });
    expect(open.status).toBe(409);
    // Naming its own jurisdiction changes nothing and is accepted.
    const sameShards = await call("PUT", `/v1/admin/tenants/${t.id}/shards`, {
      token: t.key,
      json: { shards: 1, jurisdiction: "eu" },
    });
    expect(sameShards.status).toBe(200);
    const record = (await (
      await call("GET", `/v1/admin/tenants/${t.id}`, { token: ADMIN_TOKEN })
    ).json()) as TenantAnswer & {
      routing: unknown[];
    };
    expect(record.jurisdiction).toBe("eu");
    expect(record.routing).toHaveLength(1);
    // An unrestricted tenant cannot be given one either.
    const plain = await newTenant();
    const bind = await call("PUT", `/v1/admin/tenants/${plain.id}/shards`, {
      token: plain.key,
      json: { shards: 1, jurisdiction: "eu" },
    });
    expect(bind.status).toBe(409);
  });

  it("names the jurisdiction in the origins of the tenant's logs and head, and signs under them", async () => {
    const t = await jurisdictionTenant("fedramp");
    const { status, body } = await ingest(t.key, makeEvents(3), "?wait=sealed");
    expect(status).toBe(200);
    const origin = `fedramp.edgelog.localhost/${t.id}/0`;
    for (const r of body.results) expect(r.log).toBe(origin);
    const logs = (await (await call("GET", "/v1/logs", { token: t.key })).json()) as { origin: string }[];
    expect(logs.map((l) => l.origin)).toEqual([origin]);
    const vkey = (await (await call("GET", "/v1/logs/0/key", { token: t.key })).text()).trim();
    const note = await (await call("GET", "/v1/logs/0/checkpoint", { token: t.key })).text();
    const opened = await openNote(note, [await verifierFromVkey(vkey)]);
    expect(parseCheckpoint(opened.text).origin).toBe(origin);
    const head = (await (await call("GET", "/v1/head", { token: t.key })).json()) as { note: string };
    expect(head.note.split("\n")[0]).toBe(`fedramp.edgelog.localhost/${t.id}`);
  });

  it("archives a jurisdiction tenant's batches to its bucket, never to the default one", async () => {
    const t = await jurisdictionTenant("eu");
    expect((await ingest(t.key, makeEvents(4), "?wait=sealed")).status).toBe(200);
    const key = batchKey(t.id, 0, 0);
    const stored = await until(() => env.ARCHIVE_EU.get(key), "the EU archive object");
    const lines = (await gunzip(new Uint8Array(await stored.arrayBuffer()))).split("\n");
    expect(lines[0]).toContain(`eu.edgelog.localhost/${t.id}/0`);
    expect(await env.ARCHIVE.head(key)).toBeNull();
    expect(await env.ARCHIVE_FEDRAMP.head(key)).toBeNull();

    // The control: an unrestricted tenant's batches go to the default bucket only.
    const plain = await newTenant();
    expect((await ingest(plain.key, makeEvents(4), "?wait=sealed")).status).toBe(200);
    const plainKey = batchKey(plain.id, 0, 0);
    await until(() => env.ARCHIVE.head(plainKey), "the default archive object");
    expect(await env.ARCHIVE_EU.head(plainKey)).toBeNull();
  });

  it("refuses to create a jurisdiction tenant when the deployment has no bucket bound for it (501)", async () => {
    const without = new Proxy(env, {
      get: (target, name) => (name === "ARCHIVE_FEDRAMP" ? undefined : Reflect.get(target, name)),
    });
    const id = `nobucket-${Math.random().toString(36).slice(2, 8)}`;
    const ctx = createExecutionContext();
    const res = await app.fetch(
      new Request(`${BASE}/v1/admin/tenants`, {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ name: id, jurisdiction: "fedramp" }),
      }),
      without,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(501);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe("jurisdiction_unavailable");
    expect(error.message).toContain("ARCHIVE_FEDRAMP");
    expect((await call("GET", `/v1/admin/tenants/${id}`, { token: ADMIN_TOKEN })).status).toBe(404);
  });

  it("a log whose jurisdiction's bucket is unbound keeps its batches in SQLite and says so; nothing reaches the default bucket", async () => {
    const t = await jurisdictionTenant("eu");
    const stub = env.LOG_SHARD.getByName(`${t.id}/0`);
    const error = vi.spyOn(console, "error");
    // Remove the binding from the running object's environment, as a deploy without it would.
    const original = await runInDurableObject(stub, (instance) => {
      const self = instance as unknown as { env: Env };
      const bound = self.env;
      self.env = new Proxy(bound, {
        get: (target, name) => (name === "ARCHIVE_EU" ? undefined : Reflect.get(target, name)),
      });
      return bound;
    });
    expect((await ingest(t.key, makeEvents(4), "?wait=sealed")).status).toBe(200);
    await until(
      async () => (error.mock.calls.some((c) => String(c[0]).includes("not archiving")) ? true : null),
      "the archiving refusal",
    );
    const logged = error.mock.calls.map((c) => String(c[0])).find((m) => m.includes("not archiving"))!;
    expect(logged).toContain(`eu.edgelog.localhost/${t.id}/0`);
    expect(logged).toContain("ARCHIVE_EU");
    const key = batchKey(t.id, 0, 0);
    expect(await env.ARCHIVE.head(key)).toBeNull();
    expect(await env.ARCHIVE_EU.head(key)).toBeNull();
    // The events are still served (from SQLite).
    const logs = (await (await call("GET", "/v1/logs", { token: t.key })).json()) as { events: number }[];
    expect(logs[0]!.events).toBe(4);

    // With the binding back, the next seal archives every batch not yet archived, to the EU bucket.
    await runInDurableObject(stub, (instance) => {
      (instance as unknown as { env: Env }).env = original;
    });
    expect((await ingest(t.key, makeEvents(4), "?wait=sealed")).status).toBe(200);
    await until(() => env.ARCHIVE_EU.head(batchKey(t.id, 0, 1)), "the second batch in the EU archive");
    expect(await env.ARCHIVE_EU.head(key)).not.toBeNull();
    expect(await env.ARCHIVE.head(key)).toBeNull();
  });
});

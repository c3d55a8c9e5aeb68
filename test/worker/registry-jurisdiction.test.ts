import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { TenantRegistry } from "../../src/registry/registry";
import { archiveBucketFor } from "../../src/shard/archive";

describe("the registry's jurisdiction column", () => {
  it("a registry from before data residency gains the column; its tenants read as unrestricted", async () => {
    const stub = env.REGISTRY.getByName(`old-layout-${Math.random()}`);
    const tenant = await runInDurableObject(stub, (_instance, state) => {
      const sql = state.storage.sql;
      // The tenants table as the previous version created it.
      sql.exec("DROP TABLE heads; DROP TABLE key_tenants; DROP TABLE tenants");
      sql.exec(
        "CREATE TABLE tenants (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL, routing TEXT NOT NULL, policy TEXT)",
      );
      sql.exec(
        "INSERT INTO tenants (id, name, created_at, routing) VALUES ('old', 'old', '2026-01-01T00:00:00.000Z', ?)",
        JSON.stringify([{ version: 1, shards: 1, since: "2026-01-01T00:00:00.000Z" }]),
      );
      // What the object does when it next starts on that database.
      const upgraded = new TenantRegistry(state, env);
      const columns = sql.exec<{ name: string }>("PRAGMA table_info(tenants)").toArray();
      expect(columns.map((c) => c.name)).toContain("jurisdiction");
      expect(upgraded.tenantContext("old")?.jurisdiction).toBeNull();
      expect(upgraded.createTenant("new", "new", 1, "eu")).toMatchObject({ ok: true });
      expect(upgraded.createTenant("new", "new", 1, null)).toEqual({
        ok: false,
        reason: "exists",
        jurisdiction: "eu",
      });
      return upgraded.getTenant("old");
    });
    expect(tenant).toMatchObject({ id: "old", jurisdiction: null });
  });
});

describe("the archive bucket of a log", () => {
  const bucket = (name: string) => ({ name, put: async () => null }) as unknown as R2Bucket;

  it("is ARCHIVE for unrestricted logs and the jurisdiction's own binding otherwise", () => {
    const all = { ARCHIVE: bucket("default"), ARCHIVE_EU: bucket("eu"), ARCHIVE_FEDRAMP: bucket("fedramp") };
    expect(archiveBucketFor(all, null)).toMatchObject({ kind: "bucket", binding: "ARCHIVE" });
    expect(archiveBucketFor(all, "eu")).toMatchObject({ kind: "bucket", binding: "ARCHIVE_EU" });
    expect(archiveBucketFor(all, "fedramp")).toMatchObject({ kind: "bucket", binding: "ARCHIVE_FEDRAMP" });
    const eu = archiveBucketFor(all, "eu");
    expect(eu.kind === "bucket" && eu.bucket).toBe(all.ARCHIVE_EU);
  });

  it("never falls back to the default bucket when the jurisdiction's binding is missing", () => {
    const choice = archiveBucketFor({ ARCHIVE: bucket("default") }, "eu");
    expect(choice.kind).toBe("missing");
    if (choice.kind === "missing") {
      expect(choice.binding).toBe("ARCHIVE_EU");
      expect(choice.message).toContain('jurisdiction = "eu"');
    }
    expect(archiveBucketFor({}, null)).toEqual({ kind: "none" });
    // A binding of the wrong kind (a string var) is not a bucket.
    expect(archiveBucketFor({ ARCHIVE: bucket("default"), ARCHIVE_FEDRAMP: "x" }, "fedramp").kind).toBe(
      "missing",
    );
  });
});

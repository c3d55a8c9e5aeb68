import { DurableObject } from "cloudflare:workers";
import { generateKey, hashKey, type Scope } from "./credentials";
import { OPEN_SETTINGS_SCHEMA, readOpenSettings, writeOpenSettings, type OpenSettings } from "./open-settings";

/**
 * One generation of a tenant's routing: from `since` on, events go to `shards` logs. Old
 * generations are kept so lookups and audits still find events routed under them.
 */
export interface RoutingVersion {
  version: number;
  shards: number;
  since: string;
}

export interface Tenant {
  id: string;
  name: string;
  created_at: string;
  routing: RoutingVersion[];
}

export interface KeyRecord {
  id: string;
  tenant: string;
  scopes: Scope[];
  hash: string;
  revoked: boolean;
  routing: RoutingVersion[];
  /** The tenant's policy document (JSON), or null for the default policy. */
  policy: string | null;
}

/** Most shards a tenant may have (a Worker fans reads out to all of them). */
export const MAX_SHARDS = 64;

export type CreateTenantResult = { ok: true; tenant: Tenant } | { ok: false; reason: "exists" };
export type CreateKeyResult =
  | { ok: true; id: string; key: string; scopes: Scope[]; tenant: string; created_at: string }
  | { ok: false; reason: "no-tenant" };

/**
 * The deployment's tenants and API keys: one instance (named "registry"), so tenant ids and key
 * ids are unique by construction. Keys are stored only as SHA-256 hashes; the key itself is
 * returned once, by createKey.
 */
export class TenantRegistry extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS tenants (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at TEXT NOT NULL,
        routing TEXT NOT NULL,
        policy TEXT
      );
      CREATE TABLE IF NOT EXISTS heads (
        tenant TEXT PRIMARY KEY REFERENCES tenants(id),
        created_at INTEGER NOT NULL,
        document TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS keys (
        id TEXT PRIMARY KEY,
        tenant TEXT NOT NULL REFERENCES tenants(id),
        hash TEXT NOT NULL,
        scopes TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT
      );
    `);
    this.sql.exec(OPEN_SETTINGS_SCHEMA);
  }

  /** The tenant's tiles access and witnesses (see open-settings.ts); null for an unknown tenant. */
  getOpenSettings(tenant: string): OpenSettings | null {
    return this.getTenant(tenant) ? readOpenSettings(this.sql, tenant) : null;
  }

  /** Stores validated open settings; false for an unknown tenant. */
  setOpenSettings(tenant: string, settings: OpenSettings): boolean {
    if (!this.getTenant(tenant)) return false;
    writeOpenSettings(this.sql, tenant, settings);
    return true;
  }

  /** Creates a tenant whose events spread over `shards` logs from the start (one routing generation). */
  createTenant(id: string, name: string, shards = 1): CreateTenantResult {
    if (this.sql.exec("SELECT 1 FROM tenants WHERE id = ?", id).toArray().length > 0) {
      return { ok: false, reason: "exists" };
    }
    const created_at = new Date().toISOString();
    const tenant: Tenant = { id, name, created_at, routing: [{ version: 1, shards, since: created_at }] };
    this.sql.exec(
      "INSERT INTO tenants (id, name, created_at, routing) VALUES (?, ?, ?, ?)",
      tenant.id,
      tenant.name,
      tenant.created_at,
      JSON.stringify(tenant.routing),
    );
    return { ok: true, tenant };
  }

  getTenant(id: string): Tenant | null {
    const row = this.sql
      .exec<{ id: string; name: string; created_at: string; routing: string }>(
        "SELECT id, name, created_at, routing FROM tenants WHERE id = ?",
        id,
      )
      .toArray()[0];
    return row ? { ...row, routing: JSON.parse(row.routing) as RoutingVersion[] } : null;
  }

  /** Starts a new routing generation with `shards` logs; earlier generations stay readable. */
  setShards(tenant: string, shards: number): RoutingVersion[] | null {
    const current = this.getTenant(tenant);
    if (!current) return null;
    const last = current.routing[current.routing.length - 1]!;
    if (last.shards === shards) return current.routing;
    const routing = [...current.routing, { version: last.version + 1, shards, since: new Date().toISOString() }];
    this.sql.exec("UPDATE tenants SET routing = ? WHERE id = ?", JSON.stringify(routing), tenant);
    return routing;
  }

  async createKey(tenant: string, scopes: Scope[]): Promise<CreateKeyResult> {
    if (!this.getTenant(tenant)) return { ok: false, reason: "no-tenant" };
    let fresh = generateKey();
    while (this.sql.exec("SELECT 1 FROM keys WHERE id = ?", fresh.id).toArray().length > 0) {
      fresh = generateKey();
    }
    const created_at = new Date().toISOString();
    this.sql.exec(
      "INSERT INTO keys (id, tenant, hash, scopes, created_at) VALUES (?, ?, ?, ?, ?)",
      fresh.id,
      tenant,
      await hashKey(fresh.key),
      scopes.join(","),
      created_at,
    );
    return { ok: true, id: fresh.id, key: fresh.key, scopes, tenant, created_at };
  }

  lookupKey(id: string): KeyRecord | null {
    const row = this.sql
      .exec<{ id: string; tenant: string; hash: string; scopes: string; revoked_at: string | null; routing: string; policy: string | null }>(
        "SELECT k.id, k.tenant, k.hash, k.scopes, k.revoked_at, t.routing, t.policy FROM keys k JOIN tenants t ON t.id = k.tenant WHERE k.id = ?",
        id,
      )
      .toArray()[0];
    if (!row) return null;
    return {
      id: row.id,
      tenant: row.tenant,
      hash: row.hash,
      scopes: row.scopes.split(",").filter(Boolean) as Scope[],
      revoked: row.revoked_at !== null,
      routing: JSON.parse(row.routing) as RoutingVersion[],
      policy: row.policy,
    };
  }

  /** Revokes a key; when `tenant` is given, only a key of that tenant (others look absent). */
  revokeKey(id: string, tenant: string | null): boolean {
    const key = this.lookupKey(id);
    if (!key || key.revoked || (tenant !== null && key.tenant !== tenant)) return false;
    this.sql.exec("UPDATE keys SET revoked_at = ? WHERE id = ?", new Date().toISOString(), id);
    return true;
  }

  listTenantIds(): string[] {
    return this.sql.exec<{ id: string }>("SELECT id FROM tenants ORDER BY id").toArray().map((r) => r.id);
  }

  /** Keeps the latest signed head of `tenant` (a JSON document with the note and its leaves). */
  putHead(tenant: string, document: string, createdAt: number): void {
    this.sql.exec("INSERT OR REPLACE INTO heads (tenant, created_at, document) VALUES (?, ?, ?)", tenant, createdAt, document);
  }

  getHead(tenant: string): { created_at: number; document: string } | null {
    const row = this.sql
      .exec<{ created_at: number; document: string }>("SELECT created_at, document FROM heads WHERE tenant = ?", tenant)
      .toArray()[0];
    return row ? { ...row } : null;
  }

  /** Stores a validated policy document (JSON text); null restores the default policy. */
  setPolicy(tenant: string, policy: string | null): boolean {
    if (!this.getTenant(tenant)) return false;
    this.sql.exec("UPDATE tenants SET policy = ? WHERE id = ?", policy, tenant);
    return true;
  }

  getPolicy(tenant: string): string | null {
    const row = this.sql
      .exec<{ policy: string | null }>("SELECT policy FROM tenants WHERE id = ?", tenant)
      .toArray()[0];
    return row?.policy ?? null;
  }
}

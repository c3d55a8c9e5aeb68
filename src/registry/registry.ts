import { DurableObject } from "cloudflare:workers";
import { generateKeyId } from "./credentials";
import { isJurisdiction, type Jurisdiction } from "../core/protocol";
import {
  OPEN_SETTINGS_SCHEMA,
  readOpenSettings,
  writeOpenSettings,
  type OpenSettings,
} from "./open-settings";

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
  /** Where its data must stay (README "Data residency"); null: unrestricted. Set at creation only. */
  jurisdiction: Jurisdiction | null;
}

/** What a request authenticated by one of the tenant's keys needs (cached per tenant). */
export interface TenantContext {
  routing: RoutingVersion[];
  /** The tenant's policy document (JSON), or null for the default policy. */
  policy: string | null;
  jurisdiction: Jurisdiction | null;
}

export type CreateTenantResult =
  { ok: true; tenant: Tenant } | { ok: false; reason: "exists"; jurisdiction: Jurisdiction | null };

/** A stored jurisdiction: anything but a known one (NULL, from before jurisdictions) is unrestricted. */
function storedJurisdiction(value: string | null): Jurisdiction | null {
  return isJurisdiction(value) ? value : null;
}

/**
 * The deployment's tenants: one instance (named "registry"), so tenant ids and key ids are
 * unique by construction. It holds each tenant's routing, policy and signed head, and which
 * tenant each key id belongs to; the keys themselves (hashed) live in the tenant's TenantKeys
 * object, which is what authentication asks, so requests do not all reach this one object.
 *
 * Databases from before TenantKeys may still hold a `keys` table; it is no longer read (keys
 * of that format named no tenant, see README "Keys").
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
        policy TEXT,
        jurisdiction TEXT
      );
      CREATE TABLE IF NOT EXISTS heads (
        tenant TEXT PRIMARY KEY REFERENCES tenants(id),
        created_at INTEGER NOT NULL,
        document TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS key_tenants (
        id TEXT PRIMARY KEY,
        tenant TEXT NOT NULL REFERENCES tenants(id)
      );
    `);
    this.sql.exec(OPEN_SETTINGS_SCHEMA);
    // Registries created before data residency lack the column; their tenants are unrestricted.
    const columns = this.sql.exec<{ name: string }>("PRAGMA table_info(tenants)").toArray();
    if (!columns.some((c) => c.name === "jurisdiction"))
      this.sql.exec("ALTER TABLE tenants ADD COLUMN jurisdiction TEXT");
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

  /**
   * Creates a tenant whose events spread over `shards` logs from the start (one routing
   * generation), bound to `jurisdiction` for good: no method changes it. An existing id answers
   * its jurisdiction, so the caller can say when a different one was asked for.
   */
  createTenant(
    id: string,
    name: string,
    shards = 1,
    jurisdiction: Jurisdiction | null = null,
  ): CreateTenantResult {
    const existing = this.getTenant(id);
    if (existing) return { ok: false, reason: "exists", jurisdiction: existing.jurisdiction };
    const created_at = new Date().toISOString();
    const tenant: Tenant = {
      id,
      name,
      created_at,
      routing: [{ version: 1, shards, since: created_at }],
      jurisdiction,
    };
    this.sql.exec(
      "INSERT INTO tenants (id, name, created_at, routing, jurisdiction) VALUES (?, ?, ?, ?, ?)",
      tenant.id,
      tenant.name,
      tenant.created_at,
      JSON.stringify(tenant.routing),
      jurisdiction,
    );
    return { ok: true, tenant };
  }

  getTenant(id: string): Tenant | null {
    const row = this.sql
      .exec<{ id: string; name: string; created_at: string; routing: string; jurisdiction: string | null }>(
        "SELECT id, name, created_at, routing, jurisdiction FROM tenants WHERE id = ?",
        id,
      )
      .toArray()[0];
    return row
      ? {
          ...row,
          routing: JSON.parse(row.routing) as RoutingVersion[],
          jurisdiction: storedJurisdiction(row.jurisdiction),
        }
      : null;
  }

  /** Starts a new routing generation with `shards` logs; earlier generations stay readable. */
  setShards(tenant: string, shards: number): RoutingVersion[] | null {
    const current = this.getTenant(tenant);
    if (!current) return null;
    const last = current.routing[current.routing.length - 1]!;
    if (last.shards === shards) return current.routing;
    const routing = [
      ...current.routing,
      { version: last.version + 1, shards, since: new Date().toISOString() },
    ];
    this.sql.exec("UPDATE tenants SET routing = ? WHERE id = ?", JSON.stringify(routing), tenant);
    return routing;
  }

  /**
   * Reserves a fresh key id for `tenant` (unique across the deployment, so that
   * `DELETE /v1/admin/keys/{id}` names one key); null when the tenant does not exist.
   */
  reserveKeyId(tenant: string): string | null {
    if (!this.getTenant(tenant)) return null;
    for (;;) {
      const id = generateKeyId();
      const taken = this.sql.exec("SELECT 1 FROM key_tenants WHERE id = ?", id).toArray().length > 0;
      if (taken) continue;
      this.sql.exec("INSERT INTO key_tenants (id, tenant) VALUES (?, ?)", id, tenant);
      return id;
    }
  }

  /** The tenant key id `id` was reserved for, or null. */
  tenantOfKey(id: string): string | null {
    const row = this.sql
      .exec<{ tenant: string }>("SELECT tenant FROM key_tenants WHERE id = ?", id)
      .toArray()[0];
    return row?.tenant ?? null;
  }

  /** The routing, policy and jurisdiction requests of `tenant` run under, or null when it does not exist. */
  tenantContext(tenant: string): TenantContext | null {
    const row = this.sql
      .exec<{ routing: string; policy: string | null; jurisdiction: string | null }>(
        "SELECT routing, policy, jurisdiction FROM tenants WHERE id = ?",
        tenant,
      )
      .toArray()[0];
    return row
      ? {
          routing: JSON.parse(row.routing) as RoutingVersion[],
          policy: row.policy,
          jurisdiction: storedJurisdiction(row.jurisdiction),
        }
      : null;
  }

  listTenantIds(): string[] {
    return this.sql
      .exec<{ id: string }>("SELECT id FROM tenants ORDER BY id")
      .toArray()
      .map((r) => r.id);
  }

  /** Keeps the latest signed head of `tenant` (a JSON document with the note and its leaves). */
  putHead(tenant: string, document: string, createdAt: number): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO heads (tenant, created_at, document) VALUES (?, ?, ?)",
      tenant,
      createdAt,
      document,
    );
  }

  getHead(tenant: string): { created_at: number; document: string } | null {
    const row = this.sql
      .exec<{ created_at: number; document: string }>(
        "SELECT created_at, document FROM heads WHERE tenant = ?",
        tenant,
      )
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

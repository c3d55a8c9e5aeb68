import { DurableObject } from "cloudflare:workers";
import type { Scope } from "../core/protocol";
import { generateKey, hashKey } from "./credentials";

/** What authentication needs to know about a key (the hash, never the key). */
export interface StoredKey {
  id: string;
  scopes: Scope[];
  hash: string;
  revoked: boolean;
  last_used_at: string | null;
}

/** What an administrator may see about a key: never the secret nor its hash. */
export interface KeySummary {
  id: string;
  scopes: Scope[];
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/**
 * `last_used_at` is written at most once per this interval per key, so that using a key does
 * not cost a storage write per request.
 */
export const LAST_USED_RESOLUTION_MS = 60_000;

interface KeyRow {
  id: string;
  hash: string;
  scopes: string;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

const scopesOf = (text: string): Scope[] => text.split(",").filter(Boolean) as Scope[];

/**
 * The API keys of one tenant: one instance per tenant, named by the tenant id, which every key
 * carries. Key lookups therefore spread over as many objects as there are tenants, and a flood
 * of made-up keys reaches only the object of the tenant they name (or an empty one).
 *
 * Keys are stored only as SHA-256 hashes. The instance does not know whether its tenant exists:
 * callers check that with the TenantRegistry before adding a key. Reads on an instance that
 * never held a key create nothing.
 */
export class TenantKeys extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private ready = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
  }

  /** Whether the table exists; reads on an empty instance must not create storage. */
  private hasTable(): boolean {
    if (!this.ready) {
      this.ready =
        this.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'keys'").toArray().length >
        0;
    }
    return this.ready;
  }

  private createTable(): void {
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS keys (
        id TEXT PRIMARY KEY,
        hash TEXT NOT NULL,
        scopes TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT,
        last_used_at TEXT
      );
    `);
    this.ready = true;
  }

  /**
   * Stores a new key of `tenant` under `id` (reserved in the TenantRegistry, so unique across
   * the deployment) and returns the key, the only time it is ever shown.
   */
  async addKey(tenant: string, id: string, scopes: Scope[]): Promise<{ key: string; created_at: string }> {
    this.createTable();
    const fresh = generateKey(tenant, id);
    const created_at = new Date().toISOString();
    this.sql.exec(
      "INSERT INTO keys (id, hash, scopes, created_at) VALUES (?, ?, ?, ?)",
      id,
      await hashKey(fresh.key),
      scopes.join(","),
      created_at,
    );
    return { key: fresh.key, created_at };
  }

  lookupKey(id: string): StoredKey | null {
    if (!this.hasTable()) return null;
    const row = this.sql
      .exec<Pick<KeyRow, "id" | "hash" | "scopes" | "revoked_at" | "last_used_at">>(
        "SELECT id, hash, scopes, revoked_at, last_used_at FROM keys WHERE id = ?",
        id,
      )
      .toArray()[0];
    if (!row) return null;
    return {
      id: row.id,
      hash: row.hash,
      scopes: scopesOf(row.scopes),
      revoked: row.revoked_at !== null,
      last_used_at: row.last_used_at,
    };
  }

  /**
   * Records that key `id` authenticated a request at `at` (ISO 8601). Written only when the
   * stored time is older than LAST_USED_RESOLUTION_MS, so a busy key costs at most one write
   * per interval however many isolates report it. Returns whether a row was written.
   */
  touchKey(id: string, at: string): boolean {
    if (!this.hasTable()) return false;
    const stale = new Date(Date.parse(at) - LAST_USED_RESOLUTION_MS).toISOString();
    const cursor = this.sql.exec(
      "UPDATE keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)",
      at,
      id,
      stale,
    );
    return cursor.rowsWritten > 0;
  }

  /** Every key of the tenant, revoked ones included, oldest first; never a secret or a hash. */
  listKeys(): KeySummary[] {
    if (!this.hasTable()) return [];
    return this.sql
      .exec<Omit<KeyRow, "hash">>(
        "SELECT id, scopes, created_at, revoked_at, last_used_at FROM keys ORDER BY created_at, id",
      )
      .toArray()
      .map((r) => ({
        id: r.id,
        scopes: scopesOf(r.scopes),
        created_at: r.created_at,
        last_used_at: r.last_used_at,
        revoked_at: r.revoked_at,
      }));
  }

  /** Revokes key `id`; false when there is no such key or it was already revoked. */
  revokeKey(id: string): boolean {
    if (!this.hasTable()) return false;
    const cursor = this.sql.exec(
      "UPDATE keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
      new Date().toISOString(),
      id,
    );
    return cursor.rowsWritten > 0;
  }
}

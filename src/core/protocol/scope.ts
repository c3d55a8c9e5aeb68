/**
 * The scopes a tenant key can carry (README, "HTTP API"):
 * `ingest` writes events, `read` reads them and their proofs, `admin` manages the tenant.
 */
export const SCOPES = Object.freeze(["ingest", "read", "admin"] as const);

export type Scope = (typeof SCOPES)[number];

export function isScope(value: unknown): value is Scope {
  return typeof value === "string" && (SCOPES as readonly string[]).includes(value);
}

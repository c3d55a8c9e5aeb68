/**
 * Data residency in the admin API (README "Data residency"): reading the `jurisdiction` a
 * tenant is created with, refusing any later change of it, and reporting whether this runtime
 * really keeps the tenant's data in its jurisdiction.
 */
import { isJurisdiction, JURISDICTIONS, type Jurisdiction } from "../core/protocol";
import { archiveBucketFor, ARCHIVE_BINDINGS } from "../shard/archive";
import { ApiError } from "./api-error";
import { namespaces } from "./jurisdiction-namespace";

/** What the admin API says about a jurisdiction tenant's residency in this runtime. */
export interface ResidencyReport {
  /** True when this runtime creates the tenant's Durable Objects in its jurisdiction. */
  enforced: boolean;
  /** The R2 binding its archive is written to (a bucket of that jurisdiction, per wrangler.toml). */
  archive_binding: string;
  /** What does not hold here, and why: always present when `enforced` is false. */
  warning?: string;
}

const ALLOWED = JURISDICTIONS.map((j) => `"${j}"`).join(", ");

/** The `jurisdiction` member of a create request: null when absent (or null), else a known one (400 otherwise). */
export function requestedJurisdiction(body: Record<string, unknown>): Jurisdiction | null {
  const value = body.jurisdiction;
  if (value === undefined || value === null) return null;
  if (isJurisdiction(value)) return value;
  const found = typeof value === "string" ? `"${value}"` : JSON.stringify(value);
  throw new ApiError(
    400,
    "invalid_jurisdiction",
    `'jurisdiction' must be one of ${ALLOWED} (or absent for no restriction), found ${found}`,
    [{ path: "/jurisdiction", message: `must be one of ${ALLOWED}` }],
  );
}

/**
 * Refuses to create a tenant of `jurisdiction` when the deployment has no archive bucket bound
 * for it (501): its batches could be archived nowhere but outside the jurisdiction.
 */
export function requireArchiveBinding(env: Env, jurisdiction: Jurisdiction | null): void {
  if (jurisdiction === null) return;
  const choice = archiveBucketFor(env as unknown as Record<string, unknown>, jurisdiction);
  if (choice.kind === "bucket") return;
  throw new ApiError(
    501,
    "jurisdiction_unavailable",
    `this deployment cannot hold '${jurisdiction}' tenants: it has no R2 binding ${ARCHIVE_BINDINGS[jurisdiction]} ` +
      `(an [[r2_buckets]] entry with jurisdiction = "${jurisdiction}" in wrangler.toml; README "Data residency")`,
  );
}

/** The 409 for an attempt to give `tenant` (bound to `stored`) another jurisdiction. */
export function jurisdictionChangeRefused(
  tenant: string,
  stored: Jurisdiction | null,
  asked: unknown,
): ApiError {
  const now = stored === null ? "no jurisdiction (unrestricted)" : `jurisdiction '${stored}'`;
  return new ApiError(
    409,
    "jurisdiction_immutable",
    `tenant '${tenant}' was created with ${now}; a tenant's jurisdiction cannot change (asked for ${JSON.stringify(asked ?? null)}). ` +
      "Create a new tenant in the other jurisdiction instead.",
    [{ path: "/jurisdiction", message: `must stay ${JSON.stringify(stored)}` }],
  );
}

/**
 * For routes that change a tenant's settings: a `jurisdiction` member in the body must be the
 * tenant's own (then it is removed, as it changes nothing); any other value is a 409.
 */
export function refuseJurisdictionChange(
  body: Record<string, unknown>,
  tenant: string,
  stored: Jurisdiction | null,
): void {
  if (!("jurisdiction" in body)) return;
  const asked = body.jurisdiction;
  if ((asked ?? null) !== stored) throw jurisdictionChangeRefused(tenant, stored, asked);
  delete body.jurisdiction;
}

/** The residency report of a tenant bound to `jurisdiction` in this runtime; null for an unrestricted one. */
export function residencyReport(env: Env, jurisdiction: Jurisdiction | null): ResidencyReport | null {
  if (jurisdiction === null) return null;
  const status = namespaces.status(env.LOG_SHARD, jurisdiction);
  const archive_binding = ARCHIVE_BINDINGS[jurisdiction];
  const archive = archiveBucketFor(env as unknown as Record<string, unknown>, jurisdiction);
  const unarchived =
    archive.kind === "bucket" ? "" : ` Its batches are not archived: ${archive_binding} is not bound.`;
  if (status.enforced)
    return unarchived
      ? { enforced: true, archive_binding, warning: unarchived.trim() }
      : { enforced: true, archive_binding };
  return {
    enforced: false,
    archive_binding,
    warning: `residency is not enforced in this runtime: ${status.reason}.${unarchived}`,
  };
}

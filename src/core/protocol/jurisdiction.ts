/**
 * Data residency: the jurisdictions a tenant may be bound to when it is created. A tenant's
 * Durable Objects are then created in that Cloudflare jurisdiction, its archive goes to an R2
 * bucket of that jurisdiction, and the origins of its logs and head name it (README "Data
 * residency"). A tenant's jurisdiction never changes.
 */

/** The jurisdictions `POST /v1/admin/tenants` accepts (Durable Objects and R2 both offer them). */
export const JURISDICTIONS = ["eu", "fedramp"] as const;

export type Jurisdiction = (typeof JURISDICTIONS)[number];

export function isJurisdiction(value: unknown): value is Jurisdiction {
  return typeof value === "string" && (JURISDICTIONS as readonly string[]).includes(value);
}

/**
 * The origin prefix of a tenant's logs and head: the deployment's `LOG_ORIGIN`, preceded by
 * `<jurisdiction>.` for a tenant bound to one (`eu.log.example.com/acme/0`). Unrestricted
 * tenants keep `LOG_ORIGIN` as it is, so their origins never change. The host-like prefix
 * cannot collide with an unrestricted tenant's origin, whatever its id: those all start with
 * `LOG_ORIGIN/`.
 */
export function originBase(logOrigin: string, jurisdiction: Jurisdiction | null): string {
  return jurisdiction === null ? logOrigin : `${jurisdiction}.${logOrigin}`;
}

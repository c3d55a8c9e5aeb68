/**
 * The one place that picks the Durable Object namespace a tenant's objects are addressed
 * through. A tenant bound to a jurisdiction has its objects addressed through
 * `namespace.jurisdiction(j)`, Cloudflare's restriction that creates them (and keeps their
 * storage) in that jurisdiction; others through the namespace itself.
 *
 * workerd (wrangler dev, the tests) does not implement jurisdictions: `jurisdiction(j)` throws
 * "Jurisdiction restrictions are not implemented in workerd". That failure, and only that one,
 * is caught: the runtime is then remembered as lacking jurisdictions, objects are addressed
 * through the unrestricted namespace, a warning is logged once, and `residencyStatus` reports
 * residency as not enforced, so an operator is never told a restriction holds when it does not.
 */
import type { Jurisdiction } from "../core/protocol";

/** A namespace that can be restricted to a jurisdiction (DurableObjectNamespace is one). */
export interface JurisdictionCapable<N> {
  jurisdiction(jurisdiction: Jurisdiction): N;
}

/** Whether this runtime creates a tenant's objects in its jurisdiction. */
export type ResidencyStatus = { enforced: true } | { enforced: false; reason: string };

/** The message workerd's `jurisdiction()` and `newUniqueId({jurisdiction})` throw. */
const NOT_IMPLEMENTED = /jurisdiction restrictions are not implemented/i;

/** The runtime error saying jurisdictions are unavailable here, or null for any other value. */
export function unsupportedJurisdictionMessage(err: unknown): string | null {
  const message = err instanceof Error ? err.message : typeof err === "string" ? err : "";
  return NOT_IMPLEMENTED.test(message) ? message : null;
}

/**
 * Chooses namespaces and remembers, per isolate, whether the runtime has jurisdictions: it is
 * tested once, by the first use for a jurisdiction tenant.
 */
export class NamespaceSelector {
  /** undefined: not tested yet; null: jurisdictions work; a string: why they do not. */
  private unsupported: string | null | undefined = undefined;

  constructor(private readonly warn: (message: string) => void) {}

  /**
   * The namespace to address `jurisdiction`'s objects through: `namespace.jurisdiction(j)`, or
   * `namespace` itself for an unrestricted tenant or in a runtime without jurisdictions. Any
   * other failure of `jurisdiction()` is thrown: only the runtime's known refusal falls back.
   */
  select<N extends JurisdictionCapable<N>>(namespace: N, jurisdiction: Jurisdiction | null): N {
    if (jurisdiction === null || typeof this.unsupported === "string") return namespace;
    try {
      const restricted = namespace.jurisdiction(jurisdiction);
      this.unsupported = null;
      return restricted;
    } catch (err) {
      const message = unsupportedJurisdictionMessage(err);
      if (message === null) throw err;
      this.unsupported = message;
      this.warn(
        `edgelog: data residency is NOT enforced in this runtime: Durable Object jurisdictions are ` +
          `unavailable (${JSON.stringify(message)}). The objects of tenants bound to a jurisdiction ` +
          `are created without that restriction here; on Cloudflare they are created in their jurisdiction.`,
      );
      return namespace;
    }
  }

  /**
   * Whether `namespace` restricts objects to `jurisdiction` in this runtime (tests it when no
   * use has yet). Precondition: the tenant has a jurisdiction.
   */
  status<N extends JurisdictionCapable<N>>(namespace: N, jurisdiction: Jurisdiction): ResidencyStatus {
    this.select(namespace, jurisdiction);
    return typeof this.unsupported === "string"
      ? {
          enforced: false,
          reason: `Durable Object jurisdictions are not available in this runtime (${this.unsupported}); this tenant's objects are not restricted to '${jurisdiction}' here`,
        }
      : { enforced: true };
  }
}

/** The Worker's selector: one per isolate, warning through the console (wrangler's output, Workers Logs). */
export const namespaces = new NamespaceSelector((message) => console.warn(message));

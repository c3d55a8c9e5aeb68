import { utf8 } from "../../core/bytes";
import { compilePolicy, DEFAULT_COMPILED_POLICY } from "../../core/policy";
import type { CompiledPolicy, PolicyDocument } from "../../core/policy/types";
import { PRODUCER_PATTERN } from "../../core/protocol";
import { ApiError } from "../api-error";
import type { TenantScope } from "../middleware/auth";

// Per isolate: compiling a policy per request would cost more than evaluating it per event.
const compiled = new Map<string, CompiledPolicy>();
const COMPILED_MAX = 1000;

/** The tenant's compiled policy; the stored text was validated when it was set. */
export function policyOf(tenant: TenantScope): CompiledPolicy {
  if (tenant.policy === null) return DEFAULT_COMPILED_POLICY;
  let policy = compiled.get(tenant.policy);
  if (!policy) {
    policy = compilePolicy(JSON.parse(tenant.policy) as PolicyDocument);
    if (compiled.size >= COMPILED_MAX) compiled.clear();
    compiled.set(tenant.policy, policy);
  }
  return policy;
}

const salts = new Map<string, Uint8Array>();

/**
 * The salt of the masking HMAC for `tenant`: derived from `EDGELOG_MASK_SALT` when set, else
 * from the signing key, so masked values are stable across requests and edges (joins on a
 * masked field still work) but cannot be recomputed without the deployment's secret.
 */
export async function maskSaltOf(
  env: Env & { EDGELOG_MASK_SALT?: string },
  tenant: string,
): Promise<Uint8Array> {
  const cached = salts.get(tenant);
  if (cached) return cached;
  const secret = env.EDGELOG_MASK_SALT ?? env.EDGELOG_SIGNING_KEY ?? "";
  const salt = new Uint8Array(
    await crypto.subtle.digest("SHA-256", utf8(`edgelog mask salt\u0000${secret}\u0000${tenant}`)),
  );
  salts.set(tenant, salt);
  return salt;
}

/** The producer of a request's events: the `X-Edgelog-Producer` header, else the ingest key. */
export function producerOf(header: string | undefined, tenant: TenantScope): string {
  if (header === undefined) return `key:${tenant.keyId}`;
  if (!PRODUCER_PATTERN.test(header)) {
    throw new ApiError(
      400,
      "invalid_producer",
      "X-Edgelog-Producer must be 1 to 128 visible ASCII characters",
    );
  }
  return header;
}

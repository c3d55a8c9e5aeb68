/**
 * The id and name patterns of the HTTP contract. Each is a RegExp whose `source` is also the
 * JSON Schema `pattern` of the OpenAPI document, so the check and its documentation cannot
 * differ. All are anchored.
 */
import { MAX_PRODUCER_CHARS } from "./limits";

/** An event id: the lowercase hex SHA-256 of the RFC 8785 canonical event. */
export const EVENT_ID_PATTERN = /^[0-9a-f]{64}$/;

/** Any SHA-256 hash on the wire (Merkle roots and proof paths): 64 lowercase hex digits. */
export const HASH_HEX_PATTERN = /^[0-9a-f]{64}$/;

/** A tenant id: lowercase letters, digits, `_` and `-`, 1 to 63 characters, not starting with `_`/`-`. */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** A log in a path (`/v1/logs/{log}`): its shard number, decimal without leading zeros. */
export const LOG_NUMBER_PATTERN = /^(0|[1-9][0-9]{0,5})$/;

/**
 * A tenant API key, `elk_<tenant>_<key id>_<secret>`: the tenant id (TENANT_ID_PATTERN) names
 * the object holding the tenant's keys, the key id (12 hex digits) finds the stored record
 * without a scan, the secret is 32 random bytes in base64url (43 characters). Tenant ids may
 * contain `_`, but the key id and the secret have fixed lengths, so a key parses from its end
 * without ambiguity.
 */
export const API_KEY_PATTERN = /^elk_([a-z0-9][a-z0-9_-]{0,62})_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

/** `X-Edgelog-Producer`: visible ASCII (0x21–0x7E), 1 to MAX_PRODUCER_CHARS characters. */
export const PRODUCER_PATTERN = new RegExp(`^[\\x21-\\x7e]{1,${MAX_PRODUCER_CHARS}}$`);

/** True when `id` is a well-formed event id (lowercase; callers lower-case user input first). */
export function isEventId(id: unknown): id is string {
  return typeof id === "string" && EVENT_ID_PATTERN.test(id);
}

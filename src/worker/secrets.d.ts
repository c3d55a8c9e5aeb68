// Secrets are not in wrangler.toml, so `wrangler types` cannot see them.
interface Env {
  /** The deployment's operator token (creates tenants). */
  EDGELOG_ADMIN_TOKEN?: string;
  /** base64 of the 32-byte Ed25519 seed that signs checkpoints. */
  EDGELOG_SIGNING_KEY?: string;
}

/** `edgelog keygen`: a new log signing key, and the verifier key to publish with it. */
import { formatSigningKey, formatVerifierKey, generateSeed, signerFromSeed } from "../../core/note";
import { defineCommand } from "../command";
import { EXIT_OK, UsageError } from "../errors";

export const keygen = defineCommand({
  name: "keygen",
  summary: "new signing key (and its vkey with --name)",
  usage: "edgelog keygen [--name <origin>]",
  help: `Prints a new EDGELOG_SIGNING_KEY value: the base64 of a random 32-byte Ed25519
seed (set it with \`wrangler secret put EDGELOG_SIGNING_KEY\`; keep it secret).
With --name, also prints the verifier key (vkey) that auditors need. A log's key
name is its origin, <LOG_ORIGIN>/<tenant>/<log>, e.g. edgelog.localhost/acme/0.

  --name <origin>      key name for the vkey`,
  flags: { name: { type: "string" } },
  async run(ctx, { flags, positionals }) {
    if (positionals.length > 0) throw new UsageError(`keygen: unexpected argument '${positionals[0]}'`);
    const seed = generateSeed();
    const signingKey = formatSigningKey(seed);
    let vkey: string | undefined;
    if (flags.name !== undefined) {
      try {
        const signer = await signerFromSeed(flags.name, seed);
        vkey = formatVerifierKey(signer.name, signer.publicKey);
      } catch (err) {
        throw new UsageError(`keygen: bad --name: ${(err as Error).message}`);
      }
    }
    seed.fill(0);
    ctx.out.line(`EDGELOG_SIGNING_KEY=${signingKey}`);
    if (vkey) ctx.out.line(vkey);
    ctx.out.result({ signing_key: signingKey, ...(vkey ? { name: flags.name, vkey } : {}) });
    return EXIT_OK;
  },
});

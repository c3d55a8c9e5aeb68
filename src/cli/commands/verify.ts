/** `edgelog verify`: offline check of an event proof document against the log's verifier key. */
import { defineCommand, onePositional } from "../command";
import { EXIT_OK, UsageError } from "../errors";
import { loadVkey, parseJsonDocument, readInput } from "../input";
import { checkEventProof, checkOriginal } from "../proof-check";
import type { Output } from "../output";
import { fromHex } from "../../core/bytes";
import type { VerificationStep } from "../../core/event-proof";
import type { NoteVerifier } from "../../core/note";
import { checkQuorum, quorumPolicy } from "../witness-quorum";

export const verify = defineCommand({
  name: "verify",
  summary: "verify an event proof offline (no server needed)",
  usage:
    "edgelog verify <proof.json|-> --vkey <vkey|file> [--witness <vkey> …] [--quorum K] [--event <original.json> [--mask-key <hex>]]",
  help: `Checks an event proof document, as saved from \`edgelog get <id> --json\` or
GET /v1/events/{id}: envelope digest, retained body digest, inclusion of the
envelope in its batch, the checkpoint's Ed25519 signature, and inclusion of the
batch in the signed log tree. Prints each step; on failure names the step with
the expected and found values and exits 1.

  --vkey <vkey|file>   the log's verifier key (name+keyid+base64), or a file
                       holding it. Get it from the log operator, not from the
                       server you are checking. For this offline command only,
                       --key is accepted as another name for --vkey.
  --witness <vkey>     a witness's cosigner key (tlog-cosignature/v1, type
                       0x04); repeat per witness
  --quorum <K>         the proof's checkpoint must carry valid cosignatures
                       from at least K of the --witness keys (default: all)
  --event <file>       the original event as the producer sent it: check that
                       it is the event logged (its id is SHA-256 of the event,
                       or of its keyed committed form when the envelope lists
                       masked members)
  --mask-key <hex>     the tenant's mask key (64 hex digits, from
                       GET /v1/admin/tenants/{t}/mask-key), needed with
                       --event when the envelope lists masked members`,
  flags: {
    vkey: { type: "string" },
    witness: { type: "strings" },
    quorum: { type: "integer", min: 1 },
    event: { type: "string" },
    "mask-key": { type: "string" },
  },
  async run(ctx, { flags, positionals }) {
    const source = onePositional(positionals, "proof file (or - for stdin)", "verify");
    if (flags.vkey !== undefined && flags.key !== undefined)
      throw new UsageError("verify: give the verifier key once, with --vkey");
    const vkeyArg = flags.vkey ?? flags.key;
    if (vkeyArg === undefined)
      throw new UsageError("verify: missing --vkey <vkey|file> (the log's verifier key)");
    const { vkey, verifier } = await loadVkey(vkeyArg);
    const policy = quorumPolicy(flags.witness, flags.quorum);
    const doc = parseJsonDocument(
      await readInput(ctx.io, source),
      source === "-" ? "standard input" : source,
    );
    if (flags["mask-key"] !== undefined && flags.event === undefined)
      throw new UsageError("verify: --mask-key opens the original event given with --event");
    const maskKey = flags["mask-key"] === undefined ? null : parseMaskKey(flags["mask-key"]);
    const original =
      flags.event === undefined
        ? undefined
        : parseJsonDocument(await readInput(ctx.io, flags.event), flags.event);
    const cosigned =
      policy || original !== undefined
        ? async () => [
            ...(policy
              ? [await checkQuorum((doc as { proof: { checkpoint: string } }).proof.checkpoint, policy)]
              : []),
            ...(original !== undefined ? [await checkOriginal(original, doc, maskKey)] : []),
          ]
        : undefined;
    return reportProof(ctx.out, doc, verifier, { vkey }, cosigned);
  },
});

/** Runs the proof check and prints it; shared by `verify` and `get --verify`. */
export async function reportProof(
  out: Output,
  doc: unknown,
  verifier: NoteVerifier,
  extra: Record<string, unknown>,
  more?: () => Promise<VerificationStep[]>,
): Promise<typeof EXIT_OK> {
  const steps: VerificationStep[] = await checkEventProof(doc, verifier);
  // Further checks (the witness quorum) run once the proof itself holds.
  if (more) steps.push(...(await more()));
  for (const s of steps) out.passed(s.step, s.detail);
  const d = doc as {
    envelope: { id: string; seq: number; log: string };
    proof: { batch_index: number; tree_size: number };
  };
  out.line(
    `verified: event ${d.envelope.id} is seq ${d.envelope.seq} of ${d.envelope.log}, in batch ${d.proof.batch_index} of a signed tree of size ${d.proof.tree_size}`,
  );
  out.result({
    ok: true,
    id: d.envelope.id,
    log: d.envelope.log,
    seq: d.envelope.seq,
    batch: d.proof.batch_index,
    tree_size: d.proof.tree_size,
    steps,
    ...extra,
  });
  return EXIT_OK;
}

/** A mask key as `GET /v1/admin/tenants/{t}/mask-key` gives it: 32 bytes in lowercase or uppercase hex. */
function parseMaskKey(text: string): Uint8Array {
  if (!/^[0-9a-fA-F]{64}$/.test(text))
    throw new UsageError(
      `verify: --mask-key must be 64 hex digits (32 bytes), found ${text.length} characters`,
    );
  return fromHex(text.toLowerCase());
}

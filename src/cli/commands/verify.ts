/** `edgelog verify`: offline check of an event proof document against the log's verifier key. */
import { defineCommand, onePositional } from "../command";
import { EXIT_OK, UsageError } from "../errors";
import { loadVkey, parseJsonDocument, readInput } from "../input";
import { checkEventProof } from "../proof-check";
import type { Output } from "../output";
import type { VerificationStep } from "../../core/event-proof";
import type { NoteVerifier } from "../../core/note";
import { checkQuorum, quorumPolicy } from "../witness-quorum";

export const verify = defineCommand({
  name: "verify",
  summary: "verify an event proof offline (no server needed)",
  usage: "edgelog verify <proof.json|-> --vkey <vkey|file> [--witness <vkey> …] [--quorum K]",
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
                       from at least K of the --witness keys (default: all)`,
  flags: { vkey: { type: "string" }, witness: { type: "strings" }, quorum: { type: "integer", min: 1 } },
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
    const cosigned = policy
      ? async () => [await checkQuorum((doc as { proof: { checkpoint: string } }).proof.checkpoint, policy)]
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

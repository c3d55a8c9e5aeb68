/**
 * `--witness <vkey> … --quorum K`: a checkpoint counts only when it carries valid
 * tlog-cosignature/v1 cosignatures from at least K of the given witnesses (c2sp.org/tlog-witness:
 * a quorum of witnesses keeps a log from showing different histories to different verifiers).
 */
import { parseCosignerVkey, verifyCosignatures, type CosignerKey } from "../core/note";
import type { VerificationStep } from "../core/event-proof";
import { CheckFailedError, UsageError } from "./errors";
import { asStep } from "./verification";

export interface QuorumPolicy {
  witnesses: CosignerKey[];
  quorum: number;
}

/** Parses the flags; null when no witness is given. Default quorum: every given witness. */
export function quorumPolicy(
  vkeys: readonly string[] | undefined,
  quorum: number | undefined,
): QuorumPolicy | null {
  if (!vkeys?.length) {
    if (quorum !== undefined)
      throw new UsageError("--quorum needs the witnesses' keys: --witness <vkey> (repeat per witness)");
    return null;
  }
  const witnesses = vkeys.map((v) => {
    try {
      return parseCosignerVkey(v.trim());
    } catch (err) {
      throw new UsageError(
        `--witness: not a cosigner key (name+keyid+base64 of type 0x04): ${(err as Error).message}`,
      );
    }
  });
  const k = quorum ?? witnesses.length;
  if (k > witnesses.length)
    throw new UsageError(`--quorum ${k} exceeds the ${witnesses.length} witnesses given`);
  return { witnesses, quorum: k };
}

/** Checks the quorum on a signed checkpoint note; throws CheckFailedError("cosignatures") when short. */
export async function checkQuorum(note: string, policy: QuorumPolicy): Promise<VerificationStep> {
  const valid = await asStep("cosignatures", () => verifyCosignatures(note, policy.witnesses));
  const names = valid.map((v) => `${v.name} (${new Date(v.timestamp * 1000).toISOString()})`);
  if (valid.length < policy.quorum) {
    throw new CheckFailedError(
      "cosignatures",
      `the checkpoint carries ${valid.length} valid cosignature${valid.length === 1 ? "" : "s"} from the given witnesses, ` +
        `short of the quorum of ${policy.quorum} of ${policy.witnesses.length}`,
      `>= ${policy.quorum} of ${policy.witnesses.map((w) => w.name).join(", ")}`,
      valid.length === 0 ? "none" : names.join(", "),
    );
  }
  return {
    step: "cosignatures",
    detail: `${valid.length} of ${policy.witnesses.length} witnesses (quorum ${policy.quorum}): ${names.join(", ")}`,
  };
}

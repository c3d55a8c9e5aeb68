/**
 * The witness part of a checkpoint: each witness's cosignature on the checkpoint shown, as
 * checked in this browser (cosignature-check.ts), with the key it was checked against.
 */
import type { ApiClient } from "../api";
import { formatCount } from "../chart-scale";
import { checkCosignatures, type WitnessCheck } from "../cosignature-check";
import { h, type DomElement } from "../dom";
import type { KeyRing } from "../key-ring";
import { badge, errorMessage, timeText } from "../view";

function progressText(check: WitnessCheck): string {
  const p = check.progress;
  if (!p) return "pinned by you; this server does not list this witness";
  if (p.status === "waiting") return "not asked yet";
  return `last cosigned size ${formatCount(p.size)}; last answer: ${p.status}`;
}

function witnessItem(check: WitnessCheck): DomElement {
  const v = check.verdict;
  const verdict =
    v.state === "verified"
      ? badge("verified", "cosignature verified (Ed25519, in this browser), cosigned at ")
      : v.state === "absent"
        ? badge("empty", "no cosignature on this checkpoint")
        : badge("failed", `cosignature does not verify: ${v.message}`);
  if (v.state === "verified") verdict.append(timeText(new Date(v.timestamp * 1000).toISOString()));
  return h(
    "li",
    { class: "witness", "data-witness": check.name, "data-state": v.state, "data-key-source": check.source },
    h("code", { class: "key" }, check.label),
    " ",
    h(
      "span",
      { class: `key-source key-source-${check.source}` },
      check.source === "pinned" ? "(key pinned by you)" : "(key listed by this server)",
    ),
    h("div", {}, verdict),
    h("p", { class: "hint" }, progressText(check)),
  );
}

/**
 * The "Witness cosignatures" block of checkpoint `note` of log `log`. Never throws: a failure
 * to list the witnesses is shown in the block.
 */
export async function cosignaturesBlock(
  api: ApiClient,
  keys: KeyRing,
  log: string,
  origin: string,
  note: string,
): Promise<DomElement> {
  const box = h("div", { class: "cosignatures" }, h("h4", {}, "Witness cosignatures"));
  try {
    const report = await checkCosignatures(note, origin, await api.witnesses(log), keys.pinnedWitnesses());
    const total = report.witnesses.length;
    box.setAttribute("data-cosigned", String(report.verified));
    box.setAttribute("data-witnesses", String(total));
    if (total === 0) box.append(badge("empty", "no witnesses configured for this log"));
    else {
      const failed = report.witnesses.some((c) => c.verdict.state === "failed");
      box.append(
        badge(
          failed ? "failed" : report.verified > 0 ? "verified" : "empty",
          `${formatCount(report.verified)} of ${formatCount(total)} witness${total === 1 ? "" : "es"} cosigned this checkpoint`,
        ),
        h("ul", { class: "witness-list" }, ...report.witnesses.map(witnessItem)),
      );
    }
    if (report.otherSigners.length > 0)
      box.append(
        h(
          "p",
          { class: "hint" },
          `Also signed by keys not checked here: ${report.otherSigners.join(", ")} (pin a witness key to check it).`,
        ),
      );
  } catch (err) {
    box.append(badge("unavailable", `witnesses not checked: ${errorMessage(err)}`));
  }
  return box;
}

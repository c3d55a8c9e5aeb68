/**
 * Latest checkpoint of each log, verified in the browser against the log's key, and the tenant
 * head (one signed note over every log's checkpoint) verified against its own key.
 */
import type { ApiClient, LogInfo } from "../api";
import { formatCount } from "../chart-scale";
import { verifyCheckpointNote, verifyHead } from "../checkpoint-check";
import { byId, h, type DomElement } from "../dom";
import type { KeyRing } from "../key-ring";
import { badge, errorMessage, figures, hashText, timeText } from "../view";

async function checkpointItem(api: ApiClient, keys: KeyRing, log: LogInfo): Promise<DomElement> {
  const item = h("li", { class: "checkpoint", "data-log": log.log });
  const heading = h("h3", {}, `Log ${log.log}`);
  try {
    const note = await api.checkpoint(log.log);
    if (note === null) {
      item.append(heading, figures([["Origin", log.origin]]), badge("empty", "no checkpoint yet (nothing sealed)"));
      return item;
    }
    const verified = await verifyCheckpointNote(note, await keys.forLog(log.log));
    item.append(
      heading,
      figures([
        ["Origin", verified.origin],
        ["Tree size", `${formatCount(verified.size)} batches`],
        ["Root", hashText(verified.root, "root")],
        ["Signed by", h("code", { class: "key" }, verified.signedBy)],
      ]),
      badge("verified", "signature verified (Ed25519, in this browser)"),
    );
    if (verified.origin !== log.origin) {
      item.append(badge("failed", `checkpoint names origin ${verified.origin}, the log is ${log.origin}`));
    }
  } catch (err) {
    item.append(heading, figures([["Origin", log.origin]]), badge("failed", "checkpoint failed"), h("p", { class: "error" }, errorMessage(err)));
  }
  return item;
}

export async function renderCheckpoints(api: ApiClient, keys: KeyRing, logs: readonly LogInfo[], isLive: () => boolean): Promise<void> {
  const items = await Promise.all(logs.map((log) => checkpointItem(api, keys, log)));
  if (!isLive()) return;
  byId("checkpoints").replaceChildren(items.length > 0 ? h("ul", { class: "checkpoint-list" }, ...items) : badge("empty", "this tenant has no logs"));
}

export async function renderHead(api: ApiClient, keys: KeyRing, isLive: () => boolean): Promise<void> {
  let content: DomElement[];
  try {
    const [doc, vkey] = await Promise.all([api.head(), api.headKey()]);
    // Make sure every log listed with a checkpoint has its key, so each is checked too.
    await Promise.all(doc.shards.filter((e) => e.checkpoint !== null).map((e) => keys.forLog(e.log).catch(() => null)));
    const head = await verifyHead(doc, vkey, await keys.known());
    content = [
      figures([
        ["Origin", head.origin],
        ["Logs covered", formatCount(head.logs)],
        ["Signed at", head.time === null ? "not stated" : timeText(head.time)],
        ["Root", hashText(head.root, "root")],
        ["Log checkpoints checked", `${formatCount(head.checkpointsVerified)} of ${formatCount(doc.shards.filter((e) => e.checkpoint !== null).length)}`],
      ]),
      badge("verified", "head signature and tree verified"),
      h("p", { class: "hint" }, "The head is re-signed every minute, so it may trail the newest checkpoints."),
    ];
  } catch (err) {
    content = [badge("failed", "tenant head failed"), h("p", { class: "error" }, errorMessage(err))];
  }
  if (isLive()) byId("head").replaceChildren(...content);
}

/**
 * Latest checkpoint of each log, verified in the browser against the log's key, with its witness
 * cosignatures checked against the witnesses' keys (cosignatures-view.ts), and the tenant
 * head (one signed note over every log's checkpoint) verified against its own key.
 */
import type { ApiClient, LogInfo } from "../api";
import { formatCount } from "../chart-scale";
import { noteOrigin, verifyCheckpointNote, verifyHead } from "../checkpoint-check";
import { byId, h, type DomElement } from "../dom";
import type { KeyRing, UsedKey } from "../key-ring";
import { cosignaturesBlock } from "./cosignatures-view";
import { badge, errorMessage, figures, hashText, keySourceText, timeText } from "../view";

/** Why a check failed, naming the pinned key when that is what the server's signature missed. */
function failure(what: string, key: UsedKey | null, err: unknown): DomElement[] {
  const pinned = key?.source === "pinned";
  const verdict = pinned ? `${what} does not verify against the pinned key` : `${what} failed`;
  return [
    badge("failed", verdict),
    h("p", { class: "error" }, pinned ? `Pinned key ${key.label}: ${errorMessage(err)}` : errorMessage(err)),
  ];
}

async function checkpointItem(api: ApiClient, keys: KeyRing, log: LogInfo): Promise<DomElement> {
  const item = h("li", { class: "checkpoint", "data-log": log.log });
  const heading = h("h3", {}, `Log ${log.log}`);
  let key: UsedKey | null = null;
  try {
    const note = await api.checkpoint(log.log);
    if (note === null) {
      item.append(
        heading,
        figures([["Origin", log.origin]]),
        badge("empty", "no checkpoint yet (nothing sealed)"),
      );
      return item;
    }
    key = await keys.forLog(log.log, log.origin);
    item.setAttribute("data-key-source", key.source);
    const verified = await verifyCheckpointNote(note, key.verifier);
    item.append(
      heading,
      figures([
        ["Origin", verified.origin],
        ["Tree size", `${formatCount(verified.size)} batches`],
        ["Root", hashText(verified.root, "root")],
        ["Signed by", h("code", { class: "key" }, verified.signedBy)],
        ["Verifier key", keySourceText(key.source)],
      ]),
      badge(
        "verified",
        `signature verified against the ${key.source === "pinned" ? "pinned key" : "server's key"} (Ed25519, in this browser)`,
      ),
    );
    if (verified.origin !== log.origin) {
      item.append(badge("failed", `checkpoint names origin ${verified.origin}, the log is ${log.origin}`));
    }
    item.append(await cosignaturesBlock(api, keys, log.log, verified.origin, note));
  } catch (err) {
    const pairs: Array<readonly [string, DomElement | string]> = [["Origin", log.origin]];
    if (key) pairs.push(["Verifier key", keySourceText(key.source)]);
    item.append(heading, figures(pairs), ...failure("checkpoint", key, err));
  }
  return item;
}

export async function renderCheckpoints(
  api: ApiClient,
  keys: KeyRing,
  logs: readonly LogInfo[],
  isLive: () => boolean,
): Promise<void> {
  const items = await Promise.all(logs.map((log) => checkpointItem(api, keys, log)));
  if (!isLive()) return;
  byId("checkpoints").replaceChildren(
    items.length > 0
      ? h("ul", { class: "checkpoint-list" }, ...items)
      : badge("empty", "this tenant has no logs"),
  );
}

export async function renderHead(api: ApiClient, keys: KeyRing, isLive: () => boolean): Promise<void> {
  let content: DomElement[];
  let key: UsedKey | null = null;
  try {
    const doc = await api.head();
    key = await keys.forHead(noteOrigin(doc.note));
    // Make sure every log listed with a checkpoint has its key, so each is checked too.
    await Promise.all(
      doc.shards
        .filter((e) => e.checkpoint !== null)
        .map((e) => keys.forLog(e.log, e.origin).catch(() => null)),
    );
    const head = await verifyHead(doc, key.verifier, await keys.known());
    content = [
      figures([
        ["Origin", head.origin],
        ["Logs covered", formatCount(head.logs)],
        ["Signed at", head.time === null ? "not stated" : timeText(head.time)],
        ["Root", hashText(head.root, "root")],
        [
          "Log checkpoints checked",
          `${formatCount(head.checkpointsVerified)} of ${formatCount(doc.shards.filter((e) => e.checkpoint !== null).length)}`,
        ],
        ["Verifier key", keySourceText(key.source)],
      ]),
      badge(
        "verified",
        `head signature (${key.source === "pinned" ? "pinned key" : "server's key"}) and tree verified`,
      ),
      h(
        "p",
        { class: "hint" },
        "The head is re-signed every minute, so it may trail the newest checkpoints.",
      ),
    ];
  } catch (err) {
    content = key
      ? [figures([["Verifier key", keySourceText(key.source)]]), ...failure("tenant head", key, err)]
      : failure("tenant head", null, err);
  }
  const box = byId("head");
  if (!isLive()) return;
  if (key) box.setAttribute("data-key-source", key.source);
  else box.removeAttribute("data-key-source");
  box.replaceChildren(...content);
}

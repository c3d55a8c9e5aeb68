/**
 * Event lookup: fetches an event with its proof and verifies the proof in the browser with the
 * core's `verifyEventProof`, listing every step it checked, or the failing one with the value
 * expected and the value found.
 */
import { ApiFailure, type ApiClient, type EventAnswer, type LogInfo } from "../api";
import { byId, controlById, h, type DomElement } from "../dom";
import type { KeyRing, UsedKey } from "../key-ring";
import { runEventProof, type ProofOutcome } from "../proof-run";
import { badge, errorMessage, figures, hashText, keySourceText } from "../view";
import { EVENT_ID_PATTERN } from "../../core/protocol";

export interface LookupDeps {
  api: ApiClient;
  keys: KeyRing;
  /** The logs as last polled; the lookup refetches them when the event's log is not among them. */
  logs: () => readonly LogInfo[];
  isLive: () => boolean;
}

function json(value: unknown): DomElement {
  return h("pre", { class: "json", tabindex: 0 }, JSON.stringify(value, null, 2));
}

function stepItem(
  name: string,
  state: "verified" | "failed" | "pending",
  ...detail: Array<DomElement | string>
): DomElement {
  const label = state === "verified" ? "passed" : state === "failed" ? "failed" : "checking";
  return h(
    "li",
    { class: `step step-${state}`, "data-state": state },
    h("span", { class: "step-name" }, name),
    badge(state, label),
    h("div", { class: "step-detail" }, ...detail),
  );
}

function outcomeList(outcome: ProofOutcome): DomElement {
  const list = h("ol", { id: "proof-steps", class: "steps" });
  if (outcome.ok) {
    for (const step of outcome.steps) list.append(stepItem(step.step, "verified", step.detail));
    list.setAttribute("data-state", "verified");
    return list;
  }
  const { failure } = outcome;
  const detail: Array<DomElement | string> = [h("p", {}, failure.message)];
  if (failure.expected !== undefined && failure.found !== undefined) {
    detail.push(
      figures(
        [
          ["Expected", h("code", {}, failure.expected)],
          ["Found", h("code", {}, failure.found)],
        ],
        "figures mismatch",
      ),
    );
  }
  list.append(stepItem(failure.stage, "failed", ...detail));
  list.setAttribute("data-state", "failed");
  return list;
}

async function logOf(deps: LookupDeps, origin: string): Promise<string> {
  const find = (logs: readonly LogInfo[]) => logs.find((l) => l.origin === origin)?.log;
  const known = find(deps.logs()) ?? find(await deps.api.logs());
  if (known === undefined)
    throw new Error(`the event names log ${origin}, which is not one of this tenant's logs`);
  return known;
}

function summary(doc: EventAnswer): DomElement {
  const env = doc.envelope;
  const pairs: Array<readonly [string, DomElement | string]> = [
    ["Log", String(env.log)],
    ["Sequence number", String(env.seq)],
    ["Tier", String(env["tier"] ?? "–")],
    ["Retained", String(env["retained"] ?? "–")],
    ["Status", doc.status ?? (doc.proof ? "sealed" : "pending")],
  ];
  if (doc.proof)
    pairs.push(
      ["Batch", `${doc.proof.batch_index} (leaf ${doc.proof.leaf_index} of ${doc.proof.batch.count})`],
      ["Batch root", hashText(doc.proof.batch.root, "batch root")],
    );
  return figures(pairs);
}

async function lookup(deps: LookupDeps, id: string, out: DomElement): Promise<void> {
  out.replaceChildren(badge("pending", `looking up ${id.slice(0, 12)}…`));
  let doc: EventAnswer;
  try {
    doc = await deps.api.event(id);
  } catch (err) {
    if (!deps.isLive()) return;
    const message =
      err instanceof ApiFailure && err.status === 404 ? `no event ${id} in this tenant` : errorMessage(err);
    out.replaceChildren(badge("failed", "lookup failed"), h("p", { class: "error", role: "alert" }, message));
    return;
  }
  if (!deps.isLive()) return;
  const eventBlock =
    doc.event === null || doc.event === undefined
      ? h(
          "p",
          { class: "hint" },
          doc.erased ? `Body erased at ${doc.erased.at}: ${doc.erased.reason}` : "The body is not retained.",
        )
      : json(doc.event);
  const retainedNote =
    doc.envelope["retained"] === "projection"
      ? h(
          "p",
          { class: "hint" },
          "Retained as the DES required-field projection: not the full event, so its digest is not checked.",
        )
      : "";
  const proofSection = h(
    "section",
    { class: "proof", "aria-labelledby": "proof-title" },
    h("h3", { id: "proof-title" }, "Proof, verified in this browser"),
  );
  out.replaceChildren(
    summary(doc),
    proofSection,
    h(
      "div",
      { class: "json-pair" },
      h(
        "section",
        { "aria-label": "Envelope" },
        h("h3", {}, "Envelope (the logged leaf)"),
        json(doc.envelope),
      ),
      h("section", { "aria-label": "Event" }, h("h3", {}, "Event"), retainedNote, eventBlock),
    ),
  );
  if (!doc.proof) {
    proofSection.append(
      badge("pending", "not sealed yet: its batch is still open; look it up again in a moment"),
    );
    return;
  }
  proofSection.append(
    h(
      "ol",
      { id: "proof-steps", class: "steps" },
      stepItem("log key", "pending", `fetching the key of ${doc.envelope.log}`),
    ),
  );
  let outcome: ProofOutcome;
  let key: UsedKey | null = null;
  try {
    key = await deps.keys.forLog(await logOf(deps, doc.envelope.log), doc.envelope.log);
    outcome = await runEventProof(doc, key.verifier);
  } catch (err) {
    outcome = {
      ok: false,
      failure: { stage: "log key", message: `could not get the log's key: ${errorMessage(err)}` },
    };
  }
  if (!deps.isLive()) return;
  const against = key?.source === "pinned" ? "against the pinned key" : "against the server's key";
  proofSection.replaceChildren(
    h("h3", { id: "proof-title" }, "Proof, verified in this browser"),
    key
      ? figures([
          ["Verifier key", keySourceText(key.source)],
          ["Key", h("code", { class: "key" }, key.label)],
        ])
      : "",
    outcomeList(outcome),
    h(
      "p",
      { role: "status" },
      outcome.ok
        ? badge("verified", `event proof verified ${against}`)
        : badge("failed", `event proof does not verify ${against}`),
    ),
  );
}

/** Wires the lookup form; returns a function that clears the result (on sign-out). */
export function setUpLookup(deps: () => LookupDeps | null): () => void {
  const form = byId("lookup-form");
  const input = controlById("event-id");
  const out = byId("lookup-result");
  const error = byId("lookup-error");
  // Only the latest lookup may write its result: an earlier, slower one is dropped.
  let latest = 0;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const found = deps();
    if (!found) return;
    const ticket = ++latest;
    const current: LookupDeps = { ...found, isLive: () => found.isLive() && ticket === latest };
    const id = input.value.trim().toLowerCase();
    if (!EVENT_ID_PATTERN.test(id)) {
      error.textContent = "An event id is 64 hexadecimal digits (the SHA-256 of the canonical event).";
      input.setAttribute("aria-invalid", "true");
      return;
    }
    error.textContent = "";
    input.removeAttribute("aria-invalid");
    void lookup(current, id, out);
  });
  return () => {
    latest++;
    out.replaceChildren();
    error.textContent = "";
    input.value = "";
  };
}

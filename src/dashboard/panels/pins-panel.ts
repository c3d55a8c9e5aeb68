/**
 * The "Verifier keys" card: paste the logs' and the head's vkeys, obtained independently of
 * this server, to check its signatures against them instead of against the keys it serves.
 */
import { byId, controlById, h } from "../dom";
import type { PinnedKeys } from "../pinned-keys";
import { badge, errorMessage } from "../view";

function renderPins(pins: PinnedKeys): void {
  const list = pins.list();
  const box = byId("pins");
  box.setAttribute("data-count", String(list.length));
  if (list.length === 0) {
    box.replaceChildren(badge("empty", "no key pinned: checks use the keys this server serves"));
    return;
  }
  box.replaceChildren(
    h(
      "p",
      { class: "hint" },
      `${list.length} key${list.length === 1 ? "" : "s"} pinned for this tab; a log or head whose origin has one is checked against it only.`,
    ),
    h("ul", { class: "pin-list" }, ...list.map((p) => h("li", {}, h("code", { class: "key" }, p.label)))),
  );
}

/** Wires the pin form; `changed` runs after the pins changed (to check again with them). */
export function setUpPins(pins: PinnedKeys, changed: () => void): void {
  const input = controlById("pin-keys");
  const error = byId("pin-error");
  input.value = pins
    .list()
    .map((p) => p.vkey)
    .join("\n");
  renderPins(pins);
  byId("pin-form").addEventListener("submit", (event) => {
    event.preventDefault();
    void (async () => {
      try {
        await pins.set(input.value);
        error.textContent = "";
        input.removeAttribute("aria-invalid");
      } catch (err) {
        error.textContent = `Nothing pinned: ${errorMessage(err)}`;
        input.setAttribute("aria-invalid", "true");
        return;
      }
      renderPins(pins);
      changed();
    })();
  });
  byId("pin-clear").addEventListener("click", () => {
    pins.clear();
    input.value = "";
    error.textContent = "";
    input.removeAttribute("aria-invalid");
    renderPins(pins);
    changed();
  });
}

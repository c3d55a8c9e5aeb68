/**
 * The slice of the browser DOM the dashboard uses, typed here.
 *
 * Why not `lib.dom`: the project type-checks `src/` against the Workers runtime types, whose
 * globals (`Request`, `crypto`, `Element` for HTMLRewriter…) clash with the DOM library's, and
 * the shared core would have to type-check under both. Declaring the few DOM members the
 * dashboard calls keeps one type-check and makes the dashboard's reliance on the DOM explicit.
 * Everything here is standard DOM (WHATWG DOM, HTML and Web Storage); nothing is polyfilled.
 */

export interface DomEvent {
  readonly type: string;
  preventDefault(): void;
}

export interface DomElement {
  textContent: string | null;
  hidden: boolean;
  /** Inner width in CSS pixels (0 while hidden); charts draw at this size so text stays 1:1. */
  readonly clientWidth: number;
  setAttribute(name: string, value: string): void;
  removeAttribute(name: string): void;
  append(...nodes: Array<DomElement | string>): void;
  replaceChildren(...nodes: Array<DomElement | string>): void;
  addEventListener(type: string, listener: (event: DomEvent) => void): void;
  focus(): void;
}

/** `<input>` and `<button>` members the dashboard reads or sets. */
export interface DomControl extends DomElement {
  value: string;
  disabled: boolean;
}

interface DomDocument {
  getElementById(id: string): DomElement | null;
  createElement(tag: string): DomElement;
  createElementNS(namespace: string, tag: string): DomElement;
}

/** Web Storage (HTML §12.2): string keys to string values, scoped to the tab for sessionStorage. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const SVG_NS = "http://www.w3.org/2000/svg";

function browserDocument(): DomDocument {
  const doc = (globalThis as { document?: DomDocument }).document;
  if (!doc) throw new Error("the dashboard needs a browser document");
  return doc;
}

/** The tab's sessionStorage: a read key kept there is gone when the tab closes. */
export function sessionStore(): KeyValueStore {
  const store = (globalThis as { sessionStorage?: KeyValueStore }).sessionStorage;
  if (!store) throw new Error("the dashboard needs sessionStorage");
  return store;
}

/** Calls `listener` once the window has stopped resizing for a moment (charts redraw to fit). */
export function onResize(listener: () => void, settleMs = 150): void {
  const target = globalThis as unknown as { addEventListener(type: "resize", listener: () => void): void };
  let timer: ReturnType<typeof setTimeout> | null = null;
  target.addEventListener("resize", () => {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(listener, settleMs);
  });
}

/** Attribute values; `false` and `undefined` leave the attribute out, `true` sets it empty. */
export type Attrs = Record<string, string | number | boolean | undefined>;

function applyAttrs(node: DomElement, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? "" : String(value));
  }
}

/** An HTML element with attributes and children (strings become text nodes, never markup). */
export function h(tag: string, attrs: Attrs = {}, ...children: Array<DomElement | string>): DomElement {
  const node = browserDocument().createElement(tag);
  applyAttrs(node, attrs);
  node.append(...children);
  return node;
}

/** An SVG element (SVG 2) in the SVG namespace. */
export function s(tag: string, attrs: Attrs = {}, ...children: Array<DomElement | string>): DomElement {
  const node = browserDocument().createElementNS(SVG_NS, tag);
  applyAttrs(node, attrs);
  node.append(...children);
  return node;
}

/** The element with `id`; the page's markup (public/index.html) guarantees it exists. */
export function byId(id: string): DomElement {
  const node = browserDocument().getElementById(id);
  if (!node) throw new Error(`the page has no element #${id}`);
  return node;
}

export function controlById(id: string): DomControl {
  return byId(id) as DomControl;
}

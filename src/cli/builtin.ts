/**
 * Node built-ins loaded the CommonJS way. An ESM `import` of node:http builds its module
 * namespace, which reads every export — among them the lazy WebSocket and MessageEvent ones,
 * which load undici: about 90 ms of CPU at the start of every command (measured with Node 22).
 * node:https (TLS) is loaded only for an https URL.
 */
import { createRequire } from "node:module";

const load: (id: string) => unknown =
  (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule ??
  createRequire(import.meta.url);

export const nodeHttp = (): typeof import("node:http") => load("node:http") as typeof import("node:http");
export const nodeHttps = (): typeof import("node:https") => load("node:https") as typeof import("node:https");

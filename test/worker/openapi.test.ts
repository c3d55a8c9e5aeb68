import { describe, expect, it } from "vitest";
import { app } from "../../src/worker/index";
import { OPENAPI } from "../../src/worker/openapi";
import { call } from "../support/api";

/** Hono's `:param` paths in OpenAPI's `{param}` form. */
function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z_]+)/g, "{$1}").replace(/\/$/, "") || "/";
}

describe("/openapi.json", () => {
  it("is served and describes exactly the routes the Worker registers", async () => {
    const res = await call("GET", "/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as typeof OPENAPI;
    expect(doc.openapi).toBe("3.1.0");
    const registered = new Set(
      app.routes
        .filter((r) => r.method !== "ALL")
        .map((r) => `${r.method.toLowerCase()} ${openApiPath(r.path)}`),
    );
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`)),
    );
    expect(
      [...registered].filter((r) => !documented.has(r)),
      "routes missing from the document",
    ).toEqual([]);
    expect(
      [...documented].filter((d) => !registered.has(d)),
      "documented routes that do not exist",
    ).toEqual([]);
  });
});

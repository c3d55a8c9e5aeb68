import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { devTenant, REPO_ROOT, startDev, type DevServer } from "./support/wrangler-dev";

const SHARED_DES = join(REPO_ROOT, "..", "shared", "des");

describe("wrangler dev (real workerd, production rules)", () => {
  let dev: DevServer;
  beforeAll(async () => {
    dev = await startDev();
  });
  afterAll(async () => {
    await dev?.stop();
  });

  it("validates and stores events over real HTTP, then returns them with a proof", async () => {
    const { key } = await devTenant(dev.url, "smoke");
    const examples = existsSync(SHARED_DES)
      ? readdirSync(SHARED_DES)
          .filter((f) => f.endsWith(".json") && !f.includes("schema"))
          .map((f) => JSON.parse(readFileSync(join(SHARED_DES, f), "utf8")) as unknown)
      : [];
    const bad = { schema_version: "0.3.0", decision_context: {} };
    const res = await fetch(`${dev.url}/v1/events?wait=sealed`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify([...examples, bad]),
    });
    const body = (await res.json()) as {
      accepted: number;
      rejected: number;
      results: Array<{ id: string; status: string; errors: Array<{ path: string }> }>;
    };
    expect(res.status, JSON.stringify(body)).toBe(examples.length > 0 ? 207 : 422);
    expect(body.accepted).toBe(examples.length);
    expect(body.rejected).toBe(1);
    expect(body.results.at(-1)!.errors.map((e) => e.path)).toContain("/decision_context/decision_id");
    for (const [i, r] of body.results.slice(0, examples.length).entries()) {
      const got = await fetch(`${dev.url}/v1/events/${r.id}`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(got.status).toBe(200);
      const doc = (await got.json()) as { event: unknown; proof: unknown };
      expect(doc.event).toEqual(examples[i]);
      expect(doc.proof).not.toBeNull();
    }
    expect(dev.output()).not.toMatch(/EvalError|Code generation from strings disallowed/);
  });
});

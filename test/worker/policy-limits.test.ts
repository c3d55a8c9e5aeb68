import { describe, expect, it } from "vitest";
import { MAX_POLICY_DEPTH, MAX_REPORTED_ISSUES } from "../../src/core/policy";
import { call, newTenant } from "../support/api";

interface ErrorBody {
  error: { code: string; message: string; details: Array<{ path: string; message: string }> };
}

describe("PUT /v1/admin/tenants/{t}/policy limits", () => {
  it("answers 422 naming the depth limit for a policy nested 20,000 levels", async () => {
    const t = await newTenant();
    const text = `{"rules":[{"when":{"pointer":"/a","eq":${"[".repeat(20_000)}1${"]".repeat(20_000)}},"tier":"full"}]}`;
    const res = await call("PUT", `/v1/admin/tenants/${t.id}/policy`, {
      token: t.key,
      body: text,
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe("invalid_policy");
    expect(body.error.details).toHaveLength(1);
    expect(body.error.details[0]!.message).toContain(`at most ${MAX_POLICY_DEPTH} levels`);
  });

  it("lists a bounded number of problems for a 64 KB policy with thousands, saying how many more", async () => {
    const t = await newTenant();
    const doc: Record<string, unknown> = { rules: [] };
    let n = 0;
    while (JSON.stringify(doc).length < 64 * 1024 - 16) doc[`x${n++}`] = 1;
    const res = await call("PUT", `/v1/admin/tenants/${t.id}/policy`, { token: t.key, json: doc });
    expect(res.status).toBe(422);
    const text = await res.text();
    expect(text.length).toBeLessThan(16 * 1024);
    const body = JSON.parse(text) as ErrorBody;
    expect(body.error.details).toHaveLength(MAX_REPORTED_ISSUES);
    expect(body.error.message).toBe(
      `the policy has ${n} problem(s); the first ${MAX_REPORTED_ISSUES} are listed, ${n - MAX_REPORTED_ISSUES} more are not; nothing was changed`,
    );
  });
});

import { describe, expect, it } from "vitest";
import { call, newTenant } from "../support/api";

interface ErrorBody {
  error: { code: string; message: string };
}

describe("GET /v1/stats group_by", () => {
  // Names every JavaScript object inherits must not be taken for a known group.
  for (const name of ["constructor", "toString", "__proto__", "valueOf", "hasOwnProperty"]) {
    it(`refuses group_by=${name} with 400 naming the allowed values`, async () => {
      const t = await newTenant(["read"]);
      const res = await call("GET", `/v1/stats?group_by=${name}`, { token: t.key });
      expect(res.status).toBe(400);
      const body = (await res.json()) as ErrorBody;
      expect(body.error.code).toBe("invalid_parameter");
      expect(body.error.message).toContain("tier");
      expect(body.error.message).toContain("risk_level");
      expect(body.error.message).toContain("pointer:");
    });
  }

  it("still accepts the listed groups", async () => {
    const t = await newTenant(["read"]);
    for (const name of ["tier", "producer", "risk_level", "pointer:/decision_context/decision_type"]) {
      const res = await call("GET", `/v1/stats?group_by=${encodeURIComponent(name)}`, { token: t.key });
      expect(res.status, name).toBe(200);
    }
  });
});

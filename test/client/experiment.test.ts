import { describe, expect, it } from "vitest";
import { validateEvent } from "../../src/validate";
import {
  createExperimentLogger,
  createProducer,
  DesInputError,
  parseTraceparent,
  type DesEvent,
  type ExperimentInput,
} from "../../src/client/index";
import { RecentKeys } from "../../src/client/recent-keys";

function fakeClient(failFirst = 0) {
  const logged: DesEvent[] = [];
  let failures = failFirst;
  return {
    logged,
    producer: createProducer(),
    log: async (event: object) => {
      if (failures-- > 0) throw new Error("buffer full");
      logged.push(event as DesEvent);
    },
  };
}

const exposure: ExperimentInput = {
  experiment: "checkout-button",
  variant: "green",
  subject: "user-1",
  probability: 0.5,
};

describe("createExperimentLogger", () => {
  it("records an assignment with the variant as output and the weighting parameters", async () => {
    const client = fakeClient();
    const id = await createExperimentLogger(client).assignment({
      ...exposure,
      parameters: { salt: "s1", experiment: "overridden?" },
    });
    const [event] = client.logged;
    expect(validateEvent(event)).toMatchObject({ ok: true });
    expect(event!.decision_context).toMatchObject({ decision_id: id, decision_type: "experiment" });
    expect(event!.decision_logic).toEqual({
      logic_type: "ab:assignment",
      output: "green",
      parameters: {
        salt: "s1",
        experiment: "checkout-button",
        variant: "green",
        subject: "user-1",
        assignment_probability: 0.5,
      },
    });
  });

  it("records an exposure once per (subject, experiment, variant) within the window", async () => {
    let now = 1_000_000;
    const client = fakeClient();
    const ab = createExperimentLogger(client, { dedupWindowMs: 60_000, now: () => now });
    expect(await ab.exposure(exposure)).toEqual(expect.any(String));
    expect(await ab.exposure(exposure)).toBeNull();
    expect(await ab.exposure({ ...exposure, variant: "blue" })).toEqual(expect.any(String));
    expect(await ab.exposure({ ...exposure, subject: "user-2" })).toEqual(expect.any(String));
    now += 59_999;
    expect(await ab.exposure(exposure)).toBeNull();
    now += 1;
    expect(await ab.exposure(exposure)).toEqual(expect.any(String));
    expect(client.logged.map((e) => e.decision_logic.logic_type)).toEqual(Array(4).fill("ab:exposure"));
    expect(
      client.logged.map((e) => (e.decision_logic.parameters as { subject: string; variant: string }).variant),
    ).toEqual(["green", "blue", "green", "green"]);
  });

  it("records concurrent duplicate exposures once", async () => {
    const client = fakeClient();
    const ab = createExperimentLogger(client);
    const ids = await Promise.all([ab.exposure(exposure), ab.exposure(exposure), ab.exposure(exposure)]);
    expect(ids.filter((id) => id !== null)).toHaveLength(1);
    expect(client.logged).toHaveLength(1);
  });

  it("forgets the key when recording failed, so the next exposure is recorded", async () => {
    const client = fakeClient(1);
    const ab = createExperimentLogger(client);
    await expect(ab.exposure(exposure)).rejects.toThrow("buffer full");
    expect(await ab.exposure(exposure)).toEqual(expect.any(String));
    expect(client.logged).toHaveLength(1);
  });

  it("refuses a probability outside (0, 1] and empty names", async () => {
    const ab = createExperimentLogger(fakeClient());
    for (const probability of [0, -0.1, 1.5, Number.NaN]) {
      const err = await ab.exposure({ ...exposure, probability }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DesInputError);
      expect((err as DesInputError).path).toBe("/decision_logic/parameters/assignment_probability");
    }
    await expect(ab.assignment({ ...exposure, subject: "" })).rejects.toBeInstanceOf(DesInputError);
  });
});

describe("RecentKeys", () => {
  it("forgets the least recently seen key beyond maxKeys", () => {
    const keys = new RecentKeys(60_000, 2);
    expect(keys.seen("a", 0)).toBe(false);
    expect(keys.seen("b", 1)).toBe(false);
    expect(keys.seen("a", 2)).toBe(true); // a is now the most recent
    expect(keys.seen("c", 3)).toBe(false); // evicts b
    expect(keys.size).toBe(2);
    expect(keys.seen("a", 4)).toBe(true);
    expect(keys.seen("b", 5)).toBe(false);
  });

  it("does not extend the window on a hit", () => {
    const keys = new RecentKeys(10, 10);
    expect(keys.seen("k", 0)).toBe(false);
    expect(keys.seen("k", 9)).toBe(true);
    expect(keys.seen("k", 10)).toBe(false);
  });
});

describe("parseTraceparent", () => {
  const valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  it("reads the trace id of a valid header", () => {
    expect(parseTraceparent(valid)).toEqual({
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      parentId: "00f067aa0ba902b7",
      flags: "01",
    });
    expect(parseTraceparent(`01${valid.slice(2)}-later-field`)?.traceId).toBe(
      "4bf92f3577b34da6a3ce929d0e0e4736",
    );
  });
  it("refuses invalid headers (version ff, zero ids, upper case, extra fields in version 00)", () => {
    for (const header of [
      `ff${valid.slice(2)}`,
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
      valid.toUpperCase(),
      `${valid}-extra`,
      "",
      undefined,
    ]) {
      expect(parseTraceparent(header), String(header)).toBeUndefined();
    }
  });
});

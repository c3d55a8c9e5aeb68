import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Jurisdiction } from "../../src/core/protocol";
import {
  NamespaceSelector,
  unsupportedJurisdictionMessage,
  type JurisdictionCapable,
} from "../../src/worker/jurisdiction-namespace";
import { logRef, shardStub } from "../../src/worker/routing";
import { readConfig } from "../../src/worker/config";

const WORKERD_MESSAGE = "Jurisdiction restrictions are not implemented in workerd.";

/** A namespace that records every call made on it; `jurisdiction(j)` hands out a recording sub-namespace. */
class RecordingNamespace implements JurisdictionCapable<RecordingNamespace> {
  readonly calls: string[] = [];
  readonly children = new Map<Jurisdiction, RecordingNamespace>();

  constructor(
    readonly label: string,
    private readonly refuse: Error | null = null,
  ) {}

  jurisdiction(j: Jurisdiction): RecordingNamespace {
    this.calls.push(`jurisdiction(${j})`);
    if (this.refuse) throw this.refuse;
    let child = this.children.get(j);
    if (!child) this.children.set(j, (child = new RecordingNamespace(`${this.label}/${j}`)));
    return child;
  }

  idFromName(name: string): string {
    this.calls.push(`idFromName(${name})`);
    return `${this.label}:${name}`;
  }

  getByName(name: string): { namespace: string; name: string } {
    this.calls.push(`getByName(${name})`);
    return { namespace: this.label, name };
  }
}

function recordingWarn() {
  const warnings: string[] = [];
  return { warnings, warn: (m: string) => void warnings.push(m) };
}

const config = readConfig({});

describe("namespace selection by jurisdiction", () => {
  it("addresses a jurisdiction tenant's objects through the jurisdiction's namespace", () => {
    const root = new RecordingNamespace("LOG_SHARD");
    const { warnings, warn } = recordingWarn();
    const selector = new NamespaceSelector(warn);
    const eu = selector.select(root, "eu");
    expect(eu.getByName("acme/0")).toEqual({ namespace: "LOG_SHARD/eu", name: "acme/0" });
    expect(eu.idFromName("acme/1")).toBe("LOG_SHARD/eu:acme/1");
    // The root namespace was only asked for the restricted one; every address went through "eu".
    expect(root.calls).toEqual(["jurisdiction(eu)"]);
    expect(root.children.get("eu")!.calls).toEqual(["getByName(acme/0)", "idFromName(acme/1)"]);
    expect(selector.select(root, "fedramp").getByName("gov/0").namespace).toBe("LOG_SHARD/fedramp");
    expect(selector.status(root, "eu")).toEqual({ enforced: true });
    expect(warnings).toEqual([]);
  });

  it("addresses an unrestricted tenant's objects through the namespace itself", () => {
    const root = new RecordingNamespace("LOG_SHARD");
    const selector = new NamespaceSelector(() => {});
    expect(selector.select(root, null).getByName("acme/0")).toEqual({
      namespace: "LOG_SHARD",
      name: "acme/0",
    });
    expect(root.calls).toEqual(["getByName(acme/0)"]);
  });

  it("the Worker's shard stubs of an 'eu' log go through the 'eu' namespace; other logs through LOG_SHARD", () => {
    const root = new RecordingNamespace("LOG_SHARD");
    const selector = new NamespaceSelector(() => {});
    const fakeEnv = { LOG_SHARD: root } as unknown as Env;
    const euLog = logRef(config, { id: "acme", jurisdiction: "eu" }, 2);
    const plainLog = logRef(config, { id: "acme", jurisdiction: null }, 2);
    expect(shardStub(fakeEnv, euLog, selector)).toEqual({ namespace: "LOG_SHARD/eu", name: "acme/2" });
    expect(shardStub(fakeEnv, plainLog, selector)).toEqual({ namespace: "LOG_SHARD", name: "acme/2" });
    expect(root.calls).toEqual(["jurisdiction(eu)", "getByName(acme/2)"]);
  });

  it("names the jurisdiction in the origin of a jurisdiction tenant's logs only", () => {
    expect(logRef(config, { id: "acme", jurisdiction: "eu" }, 0)).toEqual({
      tenant: "acme",
      shard: 0,
      origin: "eu.edgelog.localhost/acme/0",
      jurisdiction: "eu",
    });
    expect(logRef(config, { id: "acme", jurisdiction: "fedramp" }, 3).origin).toBe(
      "fedramp.edgelog.localhost/acme/3",
    );
    expect(logRef(config, { id: "acme", jurisdiction: null }, 0)).toEqual({
      tenant: "acme",
      shard: 0,
      origin: "edgelog.localhost/acme/0",
    });
  });

  it("falls back visibly when the runtime lacks jurisdictions: tested once, warned once, reported", () => {
    const root = new RecordingNamespace("LOG_SHARD", new Error(WORKERD_MESSAGE));
    const { warnings, warn } = recordingWarn();
    const selector = new NamespaceSelector(warn);
    expect(selector.select(root, "eu").getByName("acme/0")).toEqual({
      namespace: "LOG_SHARD",
      name: "acme/0",
    });
    expect(selector.select(root, "fedramp").getByName("gov/0")).toEqual({
      namespace: "LOG_SHARD",
      name: "gov/0",
    });
    // Feature-tested once: later selections do not ask again.
    expect(root.calls.filter((c) => c.startsWith("jurisdiction"))).toEqual(["jurisdiction(eu)"]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("NOT enforced");
    expect(warnings[0]).toContain(WORKERD_MESSAGE);
    const status = selector.status(root, "eu");
    expect(status.enforced).toBe(false);
    if (!status.enforced) expect(status.reason).toContain(WORKERD_MESSAGE);
    expect(warnings).toHaveLength(1);
  });

  it("does not mistake any other failure for a missing feature", () => {
    const root = new RecordingNamespace("LOG_SHARD", new TypeError("binding is broken"));
    const { warnings, warn } = recordingWarn();
    const selector = new NamespaceSelector(warn);
    expect(() => selector.select(root, "eu")).toThrow("binding is broken");
    expect(() => selector.select(root, "eu")).toThrow("binding is broken");
    expect(warnings).toEqual([]);
    expect(unsupportedJurisdictionMessage(new Error("jurisdiction mismatch"))).toBeNull();
    expect(unsupportedJurisdictionMessage(new Error(WORKERD_MESSAGE))).toBe(WORKERD_MESSAGE);
  });

  it("in workerd: the real namespace refuses jurisdictions, and the selector falls back with a warning", () => {
    // The runtime's own behaviour, so that a workerd that gains jurisdictions is noticed here.
    expect(() => env.LOG_SHARD.jurisdiction("eu")).toThrow(/not implemented in workerd/);
    expect(() => env.LOG_SHARD.newUniqueId({ jurisdiction: "eu" })).toThrow(/not implemented in workerd/);
    const { warnings, warn } = recordingWarn();
    const selector = new NamespaceSelector(warn);
    expect(selector.select(env.LOG_SHARD, "eu")).toBe(env.LOG_SHARD);
    expect(selector.status(env.LOG_SHARD, "eu").enforced).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/data residency is NOT enforced in this runtime/);
  });
});

/**
 * Keyed commitments for masked events (README, "Masking and what each party can verify"): with
 * a masked low-entropy value and a small guess space, nothing a read key, a tiles reader or the
 * export sees lets anyone test guesses — the same loop with the tenant's mask key finds the
 * value — while the stored body still verifies against the leaf, retries stay duplicates, and
 * the producer's chain links still compare equal.
 */
import { describe, expect, it } from "vitest";
import { call, ingest, newKey, newTenant, ADMIN_TOKEN, type TestTenant } from "../support/api";
import { makeEvent } from "../support/events";
import { canonicalJson } from "../../src/core/canonical";
import { desCurrentHash } from "../../src/core/des-chain";
import { fromHex } from "../../src/core/bytes";
import { idOf, recommit } from "../../src/core/commitment";
import { maskHash } from "../../src/core/masking";
import { decodeBundle } from "../../src/core/tiles";
import {
  OriginalMismatchError,
  ProofMismatchError,
  verifyEventProof,
  verifyOriginalEvent,
  type EventProofDocument,
} from "../../src/core/event-proof";
import { verifierFromVkey } from "../../src/core/note";
import { AuditFailure, checkBatch, subtleHasher } from "../../src/core/audit";
import { utf8 } from "../../src/core/bytes";

const POLICY = {
  rules: [],
  default: { tier: "full" },
  mask: [
    { pointer: "/decision_logic/output/ssn_last4", action: "hash" },
    { pointer: "/decision_logic/output/applicant_dob", action: "remove" },
  ],
};

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A DES event with a real SHA-256 producer chain, continuing `previous` (a current_hash or null). */
function chained(event: Json, previous: string | null): Json {
  event.temporal_metadata.hash_chain = { algorithm: "SHA-256", previous_hash: previous, current_hash: "" };
  event.temporal_metadata.hash_chain.current_hash = desCurrentHash(event);
  return event;
}

function applicant(
  decisionId: string,
  ssn: string,
  dob: string,
  seq = 0,
  previous: string | null = null,
): Json {
  const event = makeEvent({ decisionId, sequenceNumber: seq, tier: "full" }) as Json;
  event.decision_logic.output = { action: "approve", ssn_last4: ssn, applicant_dob: dob, limit: 5000 };
  return chained(event, previous);
}

/** The guess space: 50 SSN suffixes × 31 dates of birth (the true pair is inside). */
function* guesses(): Generator<[string, string]> {
  for (let s = 4800; s < 4850; s++)
    for (let d = 1; d <= 31; d++) yield [String(s), `1987-03-${String(d).padStart(2, "0")}`];
}

/** What a guesser rebuilds from a stored body: the event as the producer would have sent it. */
function candidate(stored: Json, ssn: string, dob: string): Json {
  const e = structuredClone(stored);
  e.decision_logic.output.ssn_last4 = ssn;
  e.decision_logic.output.applicant_dob = dob;
  e.temporal_metadata.hash_chain.previous_hash = null;
  return chained(e, null);
}

async function getDoc(
  key: string,
  id: string,
): Promise<EventProofDocument & { envelope: Json; event: Json }> {
  const res = await call("GET", `/v1/events/${id}`, { token: key });
  expect(res.status).toBe(200);
  return (await res.json()) as EventProofDocument & { envelope: Json; event: Json };
}

async function maskKeyOf(t: TestTenant): Promise<Uint8Array> {
  const res = await call("GET", `/v1/admin/tenants/${t.id}/mask-key`, { token: t.key });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { tenant: string; algorithm: string; mask_key: string };
  expect(body.tenant).toBe(t.id);
  expect(body.algorithm).toBe("HMAC-SHA256");
  return fromHex(body.mask_key);
}

describe("keyed commitments of masked events", () => {
  it("no guess of a masked value is testable from the read API, tiles or export; with the mask key it is", async () => {
    const t = await newTenant(["ingest", "read", "admin"], { policy: POLICY });
    await call("PUT", `/v1/admin/tenants/${t.id}/open`, { token: ADMIN_TOKEN, json: { tiles: "public" } });
    const reader = await newKey(t.id, ["read"]);
    const first = applicant("loan-bf-1", "4821", "1987-03-14");
    // The producer's next event matches no mask; its previous_hash repeats the first's hash.
    const second = makeEvent({ decisionId: "loan-bf-2", sequenceNumber: 1, tier: "full" }) as Json;
    chained(second, first.temporal_metadata.hash_chain.current_hash);
    const sent = await ingest(t.key, [first, second], "?wait=sealed");
    expect(sent.status).toBe(200);
    const [id1, id2] = sent.body.results.map((r) => r.id!);

    // Everything a read key sees: the proof documents and the export.
    const d1 = await getDoc(reader.key, id1!);
    const d2 = await getDoc(reader.key, id2!);
    const exported = (
      await (
        await call("GET", "/v1/events", { token: reader.key, headers: { accept: "application/x-ndjson" } })
      ).text()
    )
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { envelope: Json; event: Json });
    // Everything anyone sees on public tiles: the envelopes.
    const tiles = await call("GET", `/v1/tiles/${t.id}/0/envelopes/000`);
    expect(tiles.status).toBe(200);
    const tileEnvelopes = decodeBundle(new Uint8Array(await tiles.arrayBuffer())).map(
      (b) => JSON.parse(new TextDecoder().decode(b)) as Json,
    );
    expect(tileEnvelopes.map((e) => e.id)).toEqual([id1, id2]);
    expect(exported.map((l) => l.envelope.id)).toEqual([id1, id2]);

    const stored = d1.event;
    expect(stored.decision_logic.output.applicant_dob).toBeUndefined();
    expect(stored.decision_logic.output.ssn_last4).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(JSON.stringify([d1, d2, exported, tileEnvelopes])).not.toMatch(/4821|1987-03-14/);

    const ids = new Set([
      d1.envelope.id,
      ...exported.map((l) => l.envelope.id),
      ...tileEnvelopes.map((e) => e.id),
    ]);
    const digests = new Set([d1.envelope.digest, ...tileEnvelopes.map((e) => e.digest)]);
    // Unkeyed chain values anyone reading the bodies could compare a guess's current_hash with.
    const chainValues = new Set<string>([
      stored.temporal_metadata.hash_chain.current_hash,
      d2.event.temporal_metadata.hash_chain.previous_hash,
      ...exported.flatMap((l) => [
        l.event.temporal_metadata.hash_chain.current_hash,
        l.event.temporal_metadata.hash_chain.previous_hash,
      ]),
    ]);
    const key = await maskKeyOf(t);
    let tried = 0;
    const unkeyedHits: string[] = [];
    const keyedHits: string[] = [];
    for (const [ssn, dob] of guesses()) {
      tried++;
      const guess = candidate(stored, ssn, dob);
      const id = await idOf(guess);
      const chainHash = guess.temporal_metadata.hash_chain.current_hash as string;
      if (ids.has(id) || digests.has(`sha256:${id}`) || chainValues.has(chainHash))
        unkeyedHits.push(`${ssn} ${dob}`);
      if (
        (await idOf(recommit(guess, d1.envelope.masked, Object.keys(d1.envelope.removed), key))) ===
        d1.envelope.id
      )
        keyedHits.push(`${ssn} ${dob}`);
    }
    expect(tried).toBe(50 * 31);
    expect(unkeyedHits).toEqual([]);
    expect(keyedHits).toEqual(["4821 1987-03-14"]);

    // The chain verdict is still computed on the events as received, and the stored link
    // still compares equal: keyed(current_hash of 1) == keyed(previous_hash of 2).
    expect([d1.envelope.chain, d2.envelope.chain]).toEqual(["ok", "ok"]);
    expect(d2.event.temporal_metadata.hash_chain.previous_hash).toBe(
      stored.temporal_metadata.hash_chain.current_hash,
    );
    expect(stored.temporal_metadata.hash_chain.current_hash).toBe(
      maskHash(first.temporal_metadata.hash_chain.current_hash, key),
    );
    expect(d2.envelope.masked).toEqual([
      "/temporal_metadata/hash_chain/current_hash",
      "/temporal_metadata/hash_chain/previous_hash",
    ]);
  });

  it("a retried masked event is a duplicate with the same id, the committed form's SHA-256", async () => {
    const t = await newTenant(["ingest", "read", "admin"], { policy: POLICY });
    const event = applicant("loan-dup", "4821", "1987-03-14");
    const a = await ingest(t.key, [event]);
    // Another serialization of the same event: same canonical form, same committed form.
    const reordered = Object.fromEntries(Object.entries(structuredClone(event)).reverse());
    const b = await ingest(t.key, [reordered]);
    expect(a.body.results[0]!.status).toBe("accepted");
    expect(b.body.results[0]!.status).toBe("duplicate");
    expect(b.body.results[0]!.id).toBe(a.body.results[0]!.id);
    expect(b.body.results[0]!.seq).toBe(a.body.results[0]!.seq);
    const key = await maskKeyOf(t);
    const d = await getDoc(t.key, a.body.results[0]!.id!);
    expect(d.envelope.masked).toEqual([
      "/decision_logic/output/ssn_last4",
      "/decision_logic/output/applicant_dob",
      "/temporal_metadata/hash_chain/current_hash",
    ]);
    expect(a.body.results[0]!.id).toBe(
      await idOf(recommit(event, d.envelope.masked, Object.keys(d.envelope.removed), key)),
    );
    expect(a.body.results[0]!.id).not.toBe(await idOf(event));
    expect(d.envelope.digest).toBe(`sha256:${a.body.results[0]!.id}`);
    // The removed value's commitment is bound to its event: equal values removed from two
    // events do not show as equal commitments in their (public) envelopes.
    expect(Object.keys(d.envelope.removed)).toEqual(["/decision_logic/output/applicant_dob"]);
    expect(d.envelope.removed["/decision_logic/output/applicant_dob"]).not.toBe(maskHash("1987-03-14", key));
    const sibling = await ingest(t.key, [applicant("loan-dup-2", "4821", "1987-03-14")]);
    const s = await getDoc(t.key, sibling.body.results[0]!.id!);
    expect(s.envelope.removed["/decision_logic/output/applicant_dob"]).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(s.envelope.removed["/decision_logic/output/applicant_dob"]).not.toBe(
      d.envelope.removed["/decision_logic/output/applicant_dob"],
    );
    // Another value at a masked place is another event: accepted, a new id, flagged as a
    // conflict since it reuses the (decision_id, sequence_number) pair.
    const other = await ingest(t.key, [applicant("loan-dup", "4822", "1987-03-14")]);
    expect(other.body.results[0]!.status).toBe("accepted");
    expect(other.body.results[0]!.id).not.toBe(a.body.results[0]!.id);
    expect(other.body.results[0]!.conflict).toBe(true);
  });

  it("the stored body verifies against the leaf; a tampered masked body does not; the original opens with the key", async () => {
    const t = await newTenant(["ingest", "read", "admin"], { policy: POLICY });
    const event = applicant("loan-verify", "4821", "1987-03-14");
    const sent = await ingest(t.key, [event], "?wait=sealed");
    const d = await getDoc(t.key, sent.body.results[0]!.id!);
    const vkey = (await (await call("GET", "/v1/logs/0/key", { token: t.key })).text()).trim();
    const verifier = await verifierFromVkey(vkey);
    const steps = await verifyEventProof(d, verifier);
    expect(steps.find((s) => s.step === "event digest")?.detail).toMatch(
      /^SHA-256\(canonical body with 1 removed member\(s\) put back as their commitments\) = [0-9a-f]{64} matches/,
    );
    const tampered: Json[] = [];
    const put = (edit: (e: Json) => void) => {
      const e = structuredClone(d.event);
      edit(e);
      tampered.push(e);
    };
    put((e) => (e.decision_logic.output.ssn_last4 = maskHash("4822", new Uint8Array(32))));
    put((e) => (e.decision_logic.output.applicant_dob = "1987-03-14"));
    put((e) => (e.decision_logic.output.limit = 9000));
    put((e) => (e.temporal_metadata.hash_chain.current_hash = "0".repeat(64)));
    for (const event of tampered) {
      const err = await verifyEventProof({ ...d, event }, verifier).catch((x: unknown) => x);
      expect(err, JSON.stringify(event.decision_logic.output)).toBeInstanceOf(ProofMismatchError);
    }
    // A removed member's commitment changed in the envelope breaks the leaf, not only the body.
    const forged = {
      ...d,
      envelope: {
        ...d.envelope,
        removed: { "/decision_logic/output/applicant_dob": maskHash("x", new Uint8Array(32)) },
      },
    };
    await expect(verifyEventProof(forged, verifier)).rejects.toBeInstanceOf(ProofMismatchError);

    const key = await maskKeyOf(t);
    expect((await verifyOriginalEvent(event, d.envelope, key)).step).toBe("original event");
    const wrong = applicant("loan-verify", "4822", "1987-03-14");
    await expect(verifyOriginalEvent(wrong, d.envelope, key)).rejects.toBeInstanceOf(OriginalMismatchError);
    await expect(verifyOriginalEvent(event, d.envelope, new Uint8Array(32))).rejects.toBeInstanceOf(
      OriginalMismatchError,
    );
    await expect(verifyOriginalEvent(event, d.envelope, null)).rejects.toThrow(/mask key/);
  });

  it("the batch auditor checks masked bodies through their committed form and catches a tampered one", async () => {
    const t = await newTenant(["ingest", "read", "admin"], { policy: POLICY });
    const first = applicant("loan-audit-1", "4821", "1987-03-14");
    const second = makeEvent({ decisionId: "loan-audit-2", sequenceNumber: 1, tier: "full" }) as Json;
    chained(second, first.temporal_metadata.hash_chain.current_hash);
    expect((await ingest(t.key, [first, second], "?wait=sealed")).status).toBe(200);
    const origin = (
      await (await call("GET", "/v1/logs", { token: t.key })).json<Array<{ origin: string }>>()
    )[0]!.origin;
    const exported = await (await call("GET", "/v1/logs/0/batches/0", { token: t.key })).text();
    const checked = await checkBatch(utf8(exported), { origin, batch: 0 }, subtleHasher());
    // Both bodies are masked (the second's chain hashes are keyed) and both were hashed.
    expect(checked).toMatchObject({ events: 2, bodiesChecked: 2, bodiesMasked: 2 });

    // A kept value changed, and a removed value put back: each fails at the body, naming its seq.
    const lines = exported.split("\n");
    const edits: Array<(e: Json) => void> = [
      (e) => (e.decision_logic.output.limit = 9000),
      (e) => (e.decision_logic.output.applicant_dob = "1987-03-14"),
    ];
    for (const edit of edits) {
      const line = JSON.parse(lines[1]!) as { envelope: Json; event: Json };
      edit(line.event);
      const tampered = [
        lines[0],
        `{"envelope":${canonicalJson(line.envelope)},"event":${canonicalJson(line.event)}}`,
        ...lines.slice(2),
      ];
      const err = await checkBatch(utf8(tampered.join("\n")), { origin, batch: 0 }, subtleHasher()).catch(
        (x: unknown) => x,
      );
      expect(err).toBeInstanceOf(AuditFailure);
      expect((err as AuditFailure).step).toBe("event body");
      expect((err as AuditFailure).message).toContain(`event seq 0`);
    }
  });

  it("the mask key is answered to the tenant's admins only", async () => {
    const t = await newTenant(["ingest", "read", "admin"], { policy: POLICY });
    const path = `/v1/admin/tenants/${t.id}/mask-key`;
    for (const scopes of [["read"], ["ingest"], ["ingest", "read"]]) {
      const k = await newKey(t.id, scopes);
      const res = await call("GET", path, { token: k.key });
      expect(res.status, scopes.join()).toBe(403);
      expect(await res.text()).not.toMatch(/[0-9a-f]{64}/);
    }
    const operator = await call("GET", path, { token: ADMIN_TOKEN });
    expect(operator.status).toBe(200);
    expect(operator.headers.get("cache-control")).toBe("no-store");
    const own = (await (await call("GET", path, { token: t.key })).json()) as { mask_key: string };
    expect(((await operator.json()) as { mask_key: string }).mask_key).toBe(own.mask_key);
    const other = await newTenant(["admin"], { policy: POLICY });
    expect((await call("GET", path, { token: other.key })).status).toBe(404);
    const theirs = (await (
      await call("GET", `/v1/admin/tenants/${other.id}/mask-key`, { token: other.key })
    ).json()) as {
      mask_key: string;
    };
    expect(theirs.mask_key).not.toBe(own.mask_key);
  });

  it("a decision_id query finds a masking tenant's events; a mask on decision_id itself is refused", async () => {
    const t = await newTenant(["ingest", "read", "admin"], { policy: POLICY });
    await ingest(t.key, [
      applicant("loan-q-1", "4821", "1987-03-14"),
      applicant("loan-q-2", "1111", "1990-01-01"),
    ]);
    const res = await call("GET", "/v1/events?decision_id=loan-q-1", { token: t.key });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { items: Array<{ envelope: Json }> };
    expect(page.items).toHaveLength(1);
    expect(page.items[0]!.envelope.masked).toContain("/decision_logic/output/ssn_last4");
    const refused = await call("PUT", `/v1/admin/tenants/${t.id}/policy`, {
      token: t.key,
      json: { ...POLICY, mask: [{ pointer: "/decision_context/decision_id", action: "hash" }] },
    });
    expect(refused.status).toBe(422);
  });
});

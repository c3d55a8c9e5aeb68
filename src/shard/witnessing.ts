/**
 * The log side of C2SP tlog-witness: after a checkpoint, each of the tenant's witnesses gets an
 * `add-checkpoint` request with a consistency proof from the size it last cosigned; returned
 * cosignatures are verified against the witness's vkey and stored with the checkpoint.
 *
 * Never in the way of ingest or sealing: submissions run outside the seal chain, at most one
 * per witness at a time, each with a timeout; a failing witness is retried with exponential
 * backoff (1 s doubling to 60 s) from the Durable Object alarm or the next seal.
 */
import { formatAddCheckpoint } from "../core/witness/add-checkpoint";
import { consistencyProof, subtreeHashesFromNodes } from "../core/merkle";
import { parseCosignerVkey, verifyCosignatures } from "../core/note";
import type { WitnessConfig } from "../registry/open-settings";

/** How long one add-checkpoint request may take. */
export const WITNESS_TIMEOUT_MS = 10_000;
export const WITNESS_BACKOFF_MAX_MS = 60_000;
/** 409 re-sends (and follow-ups for a newer checkpoint) per submission round. */
const ROUNDS = 4;

export interface WitnessDeps {
  sql: SqlStorage;
  /** The tenant's witnesses (cached by the caller). */
  witnesses: () => Promise<WitnessConfig[]>;
  /** The latest checkpoint, uncosigned. */
  latest: () => { size: number; note: string } | null;
  /** RFC 9162 consistency proof between two sizes of this log. */
  consistency: (from: number, to: number) => Uint8Array[];
  /** Asks to be woken at `at` (ms since the epoch) for a retry. */
  wakeAt: (at: number) => Promise<void>;
  fetch: typeof fetch;
  /** Drops any cached witness list. */
  forget?: () => void;
}

interface Runtime {
  inFlight: boolean;
  failures: number;
  nextAt: number;
}

/**
 * One configured witness as `GET /v1/logs/{log}/witnesses` answers it: its key (public, so a
 * reader can check the cosignatures a checkpoint carries) and how far it has cosigned.
 */
export interface WitnessStatus {
  witness: string;
  /** The witness's cosignature/v1 vkey, as the tenant configured it. */
  vkey: string;
  /** The size the witness last cosigned, as far as this log knows (0: none yet). */
  size: number;
  /** "ok", "error: <why>", or "waiting" before the first submission ended. */
  status: string;
  /** When the status was recorded (RFC 3339); absent while waiting. */
  at?: string;
}

export class Witnessing {
  private readonly runtime = new Map<string, Runtime>();

  constructor(private readonly deps: WitnessDeps) {}

  /** Starts a submission to every witness that is idle and not backing off. Never throws. */
  kick(): void {
    this.deps
      .witnesses()
      .then((list) => {
        for (const w of list) {
          const r = this.runtime.get(w.name) ?? { inFlight: false, failures: 0, nextAt: 0 };
          this.runtime.set(w.name, r);
          if (r.inFlight || Date.now() < r.nextAt) continue;
          r.inFlight = true;
          this.submit(w)
            .then(() => {
              r.failures = 0;
              r.nextAt = 0;
            })
            .catch(async (err: unknown) => {
              r.failures++;
              r.nextAt = Date.now() + Math.min(WITNESS_BACKOFF_MAX_MS, 1000 * 2 ** (r.failures - 1));
              this.record(w.name, null, `error: ${(err as Error).message}`);
              await this.deps.wakeAt(r.nextAt).catch(() => {});
            })
            .finally(() => {
              r.inFlight = false;
            });
        }
      })
      .catch((err: unknown) => console.warn("loading witnesses failed", err));
  }

  /** After the tenant's witness list changed: reload it and submit to the listed witnesses now. */
  refresh(): void {
    this.deps.forget?.();
    this.kick();
  }

  /** Each configured witness, in configuration order, with its progress on this log. */
  async status(): Promise<WitnessStatus[]> {
    const progress = new Map(
      this.deps.sql
        .exec<{ witness: string; size: number; status: string; at: number }>(
          "SELECT witness, size, status, at FROM witness_progress",
        )
        .toArray()
        .map((r) => [r.witness, r] as const),
    );
    return (await this.deps.witnesses()).map((w) => {
      const p = progress.get(w.name);
      return p
        ? { witness: w.name, vkey: w.vkey, size: p.size, status: p.status, at: new Date(p.at).toISOString() }
        : { witness: w.name, vkey: w.vkey, size: 0, status: "waiting" };
    });
  }

  /** Brings one witness up to the latest checkpoint; throws to trigger a backoff. */
  private async submit(w: WitnessConfig): Promise<void> {
    const key = parseCosignerVkey(w.vkey);
    for (let round = 0; round < ROUNDS; round++) {
      const cp = this.deps.latest();
      if (!cp) return;
      const have = this.deps.sql
        .exec("SELECT 1 FROM cosignatures WHERE size = ? AND witness = ?", cp.size, w.name)
        .toArray().length;
      if (have > 0) return;
      const old = this.known(w.name);
      if (old > cp.size)
        throw new Error(`the witness has cosigned size ${old}, beyond this log's size ${cp.size}`);
      const proof = old === 0 || old === cp.size ? [] : this.deps.consistency(old, cp.size);
      const res = await this.deps.fetch(`${w.url}/add-checkpoint`, {
        method: "POST",
        headers: { "content-type": "text/plain; charset=utf-8" },
        body: formatAddCheckpoint(old, proof, cp.note),
        signal: AbortSignal.timeout(WITNESS_TIMEOUT_MS),
      });
      const body = await res.text();
      if (res.status === 409) {
        const m = /^(0|[1-9][0-9]*)\n$/.exec(body);
        if (!m) throw new Error(`409 without a tree size line (found ${JSON.stringify(body.slice(0, 40))})`);
        this.record(w.name, Number(m[1]), `409: witness has size ${m[1]}`);
        continue;
      }
      if (res.status !== 200) throw new Error(`${res.status}: ${body.slice(0, 200).trim()}`);
      const verified = await verifyCosignatures(cp.note + body, [key]);
      if (verified.length === 0) throw new Error("200 without a cosignature from the configured key");
      this.deps.sql.exec(
        "INSERT OR REPLACE INTO cosignatures (size, witness, line) VALUES (?, ?, ?)",
        cp.size,
        w.name,
        verified[0]!.line,
      );
      this.record(w.name, cp.size, "ok");
    }
  }

  private known(witness: string): number {
    const row = this.deps.sql
      .exec<{ size: number }>("SELECT size FROM witness_progress WHERE witness = ?", witness)
      .toArray()[0];
    return row?.size ?? 0;
  }

  private record(witness: string, size: number | null, status: string): void {
    this.deps.sql.exec(
      "INSERT INTO witness_progress (witness, size, status, at) VALUES (?, ?, ?, ?) ON CONFLICT (witness) DO UPDATE SET size = COALESCE(?, size), status = excluded.status, at = excluded.at",
      witness,
      size ?? 0,
      status,
      Date.now(),
      size,
    );
  }
}

/** How long a shard reuses the tenant's witness list before asking the registry again. */
export const WITNESS_LIST_CACHE_MS = 10_000;

/**
 * The `Witnessing` of one LogShard: witnesses from the registry (cached), checkpoints and
 * proofs from the shard's tables, retries through the Durable Object alarm.
 */
export function shardWitnessing(
  ctx: DurableObjectState,
  env: Env,
  getNode: (level: number, index: number) => Uint8Array,
  tenant: () => string | null,
): Witnessing {
  const sql = ctx.storage.sql;
  let cache: { at: number; tenant: string; list: WitnessConfig[] } | null = null;
  return new Witnessing({
    sql,
    async witnesses() {
      const t = tenant();
      if (t === null) return [];
      if (cache && cache.tenant === t && Date.now() - cache.at < WITNESS_LIST_CACHE_MS) return cache.list;
      const settings = await env.REGISTRY.getByName("registry").getOpenSettings(t);
      cache = { at: Date.now(), tenant: t, list: settings?.witnesses ?? [] };
      return cache.list;
    },
    latest() {
      return (
        sql
          .exec<{ size: number; note: string }>(
            "SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1",
          )
          .toArray()[0] ?? null
      );
    },
    consistency: (from, to) => consistencyProof(from, to, subtreeHashesFromNodes(getNode)),
    async wakeAt(at) {
      const current = await ctx.storage.getAlarm();
      if (current === null || current > at) await ctx.storage.setAlarm(at);
    },
    fetch: (input, init) => fetch(input, init),
    forget: () => {
      cache = null;
    },
  });
}

/**
 * Tampering with the stored log is caught by `edgelog audit`. Events are ingested into
 * `wrangler dev`, the server is stopped, each LogShard's SQLite file under the persist dir is
 * edited directly (as someone with disk access would), the server restarts on the edited
 * state, and the audit — which trusts only the verifier key — must fail and name the batch
 * that was touched. One tenant per edit, so one restart covers them all; one tenant is left
 * alone and must still pass, so the audit is not simply failing everything.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { promisify } from "node:util";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { makeEvent } from "../../support/events";
import { devTenant, REPO_ROOT, startDev, type DevServer } from "../support/wrangler-dev";
import { getText } from "./support/caller";

const run = promisify(execFile);

const BATCHES = 3;
const PER_BATCH = 8;
/** The batch every edit touches: not the first, so "names the batch" means something. */
const TARGET = 1;
const TARGET_SEQ = TARGET * PER_BATCH + 3;

interface Edit {
  name: string;
  /** Changes the shard's database; must change exactly what it says. */
  apply: (db: DatabaseSync) => void;
}

function changedOne(result: { changes: number | bigint }, what: string): void {
  if (Number(result.changes) !== 1)
    throw new Error(`${what}: expected to change 1 row, changed ${result.changes}`);
}

/**
 * Edits batch TARGET's stored bundle (layout 2: the gzip of the batch's export, README:
 * Storage) as someone with the database file could: `edit` gets the header line and the event
 * lines and changes them in place.
 */
function editBundle(db: DatabaseSync, what: string, edit: (lines: string[]) => void): void {
  const row = db.prepare("SELECT bundle FROM batches WHERE n = ?").get(TARGET) as { bundle: Uint8Array };
  const lines = gunzipSync(row.bundle).toString("utf8").split("\n");
  const before = lines.join("\n");
  edit(lines);
  if (lines.join("\n") === before) throw new Error(`${what}: the edit changed nothing`);
  changedOne(
    db.prepare("UPDATE batches SET bundle = ? WHERE n = ?").run(gzipSync(lines.join("\n")), TARGET),
    what,
  );
}

/** Line index of TARGET_SEQ in its bundle (line 0 is the header). */
const AT = TARGET_SEQ - TARGET * PER_BATCH + 1;

const EDITS: Edit[] = [
  {
    name: "an event body rewritten",
    apply: (db) =>
      editBundle(db, "body", (lines) => {
        const at = lines[AT]!.indexOf(',"event":');
        lines[AT] = lines[AT]!.slice(0, at) + lines[AT]!.slice(at).replace('"approve"', '"decline"');
      }),
  },
  {
    name: "an envelope rewritten",
    apply: (db) =>
      editBundle(db, "envelope", (lines) => {
        const received = /"received_at":"([^"]+)"/.exec(lines[AT]!)![1]!;
        const earlier = new Date(Date.parse(received) - 3_600_000).toISOString();
        lines[AT] = lines[AT]!.replace(`"received_at":"${received}"`, `"received_at":"${earlier}"`);
      }),
  },
  {
    name: "a batch header's root replaced",
    apply: (db) => {
      const row = db.prepare("SELECT header FROM batches WHERE n = ?").get(TARGET) as { header: string };
      const root = (JSON.parse(row.header) as { root: string }).root;
      const forged = root.replace(/^./, (c) => (c === "0" ? "1" : "0"));
      changedOne(
        db
          .prepare("UPDATE batches SET header = replace(header, ?, ?), root = ? WHERE n = ?")
          .run(root, forged, Buffer.from(forged, "hex"), TARGET),
        "batch header",
      );
      editBundle(db, "bundle header", (lines) => {
        lines[0] = lines[0]!.replace(root, forged);
      });
    },
  },
  {
    name: "an event row deleted",
    apply: (db) => editBundle(db, "delete", (lines) => void lines.splice(AT, 1)),
  },
  {
    name: "two rows' envelopes swapped",
    apply: (db) =>
      editBundle(db, "swap", (lines) => {
        const split = (l: string) =>
          [l.slice(0, l.indexOf(',"event":')), l.slice(l.indexOf(',"event":'))] as const;
        const [ea, ba] = split(lines[AT]!);
        const [eb, bb] = split(lines[AT + 1]!);
        lines[AT] = eb + ba;
        lines[AT + 1] = ea + bb;
      }),
  },
];

const CLEAN = "untouched";

/** The LogShard databases under a `wrangler dev` persist dir, by the tenant whose log each holds. */
function shardDatabases(persistDir: string): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".sqlite")) {
        const db = new DatabaseSync(path, { readOnly: true });
        try {
          const hasMeta = db
            .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'")
            .get();
          const row = hasMeta
            ? (db.prepare("SELECT v FROM meta WHERE k = 'log'").get() as { v: string } | undefined)
            : undefined;
          if (row) found.set((JSON.parse(row.v) as { tenant: string }).tenant, path);
        } finally {
          db.close();
        }
      }
    }
  };
  walk(persistDir);
  return found;
}

interface AuditRun {
  code: number;
  output: string;
}

async function audit(url: string, key: string, vkey: string, state: string): Promise<AuditRun> {
  const args = [
    join(REPO_ROOT, "bin/edgelog.mjs"),
    "audit",
    url,
    "--vkey",
    vkey,
    "--state",
    state,
    "--key",
    key,
  ];
  try {
    const { stdout, stderr } = await run(process.execPath, args, { cwd: REPO_ROOT, timeout: 60_000 });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

describe("tampering with the persisted log is caught by edgelog audit", () => {
  const persistDir = mkdtempSync(join(tmpdir(), "edgelog-tamper-"));
  const stateDir = mkdtempSync(join(tmpdir(), "edgelog-tamper-state-"));
  let dev: DevServer | undefined;

  afterAll(async () => {
    await dev?.stop();
    rmSync(persistDir, { recursive: true, force: true });
    rmSync(stateDir, { recursive: true, force: true });
  });

  it(
    "names the edited batch for every edit, and passes the untouched log",
    { timeout: 110_000 },
    async () => {
      dev = await startDev({ persistDir });
      const names = [CLEAN, ...EDITS.map((e) => e.name)];
      const tenants = new Map<string, { tenant: string; key: string; vkey: string; state: string }>();
      const server = dev;
      // Tenants in parallel (their logs are independent); each one's batches in order.
      await Promise.all(
        names.map(async (name, i) => {
          const { tenant, key } = await devTenant(server.url, `tamper-${i}`);
          for (let b = 0; b < BATCHES; b++) {
            // Sequential ?wait=sealed requests: each is sealed alone, so batch b holds seq [b*PER_BATCH, (b+1)*PER_BATCH).
            // Tier full keeps whole bodies: a retained projection is not the event, so no digest can check it.
            const events = Array.from({ length: PER_BATCH }, (_, j) =>
              makeEvent({
                decisionId: `tamper-${i}-${b}-${j}`,
                output: "approve",
                tier: "full",
                risk: "high",
              }),
            );
            const res = await fetch(`${server.url}/v1/events?wait=sealed`, {
              method: "POST",
              headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
              body: JSON.stringify(events),
            });
            const body = (await res.json()) as { results: Array<{ seq: number; batch: number }> };
            expect(res.status).toBe(200);
            expect(body.results.map((r) => [r.seq, r.batch])).toEqual(
              events.map((_, j) => [b * PER_BATCH + j, b]),
            );
          }
          const vkey = await getText({ url: server.url, key }, "/v1/logs/0/key");
          expect(vkey.status).toBe(200);
          tenants.set(name, { tenant, key, vkey: vkey.body.trim(), state: join(stateDir, `${i}.json`) });
        }),
      );

      // Every log passes before anything is touched (and the audit state is saved).
      const before = await Promise.all(
        names.map((n) => tenants.get(n)!).map((t) => audit(dev!.url, t.key, t.vkey, t.state)),
      );
      for (const [i, r] of before.entries())
        expect(r.code, `${names[i]} before tampering:\n${r.output}`).toBe(0);

      await dev.stop();
      const databases = shardDatabases(persistDir);
      for (const edit of EDITS) {
        const path = databases.get(tenants.get(edit.name)!.tenant);
        expect(path, `the SQLite file of ${edit.name}'s shard`).toBeDefined();
        const db = new DatabaseSync(path!);
        try {
          edit.apply(db);
        } finally {
          db.close();
        }
      }

      dev = await startDev({ persistDir });
      const after = await Promise.all(
        names.map((n) => tenants.get(n)!).map((t) => audit(dev!.url, t.key, t.vkey, t.state)),
      );
      // A failed check prints where it failed as "at batch N[, line …, seq …]".
      const verdicts = names.map((name, i) => {
        const at = /^\s*at\s+batch (\d+)\b/m.exec(after[i]!.output);
        return { name, code: after[i]!.code, batch: at ? Number(at[1]) : null };
      });
      const failures = after.map((r) => /^✗ .*$/m.exec(r.output)?.[0].replace(/\s+/g, " ") ?? "");
      console.log(
        verdicts
          .map(
            (v, i) =>
              `${v.name}: exit ${v.code}${v.batch === null ? "" : `, at batch ${v.batch}: ${failures[i]}`}`,
          )
          .join("\n"),
      );
      expect(after[0]!.code, `untouched log:\n${after[0]!.output}`).toBe(0);
      for (const [i, v] of verdicts.entries()) {
        if (v.name === CLEAN) continue;
        expect(v, after[i]!.output).toEqual({ name: v.name, code: 1, batch: TARGET });
      }
    },
  );
});

/**
 * Figure 5: bytes stored per event, by tier. Events of one declared tier go to one tenant of a
 * fresh `wrangler dev`; once sealed, the tenant's LogShard databases are measured page by page
 * with SQLite's own accounting (page_count, freelist_count, the dbstat table).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { createEventGenerator, TIERS, type Tier } from "../events";
import { fmt3, fmtInt, fmtRatio, table, type FigureResult, type Row } from "../report";
import { createTenant, DEV_ADMIN_TOKEN, EDGELOG_VARS, startWrangler } from "../wrangler";
import { SLICE_LINES, studyBundles, type BundleStudy } from "./storage-bundles";

export interface StorageOptions {
  eventsPerTier: number;
  eventsPerRequest: number;
}

/**
 * Per-tenant policies that keep each tenant's events at their declared tier (the effective tier
 * is the higher of the declared one and the policy's): no rules, and a default no higher than
 * the tier. Sampled events keep their body at the default policy's 10 % rate.
 */
const POLICIES: Readonly<Record<Tier, unknown>> = {
  lightweight: { rules: [], default: { tier: "lightweight" } },
  sampled: { rules: [], default: { tier: "sampled", rate: 0.1 } },
  full: { rules: [], default: { tier: "lightweight" } },
};

export const STORAGE_FULL: StorageOptions = { eventsPerTier: 5_000, eventsPerRequest: 100 };
export const STORAGE_QUICK: StorageOptions = { eventsPerTier: 40, eventsPerRequest: 20 };

/**
 * What is measured: each tier with the generator's events (a SHA-256 DES hash chain whose two
 * hashes are random, so they do not compress), and lightweight events once more without a hash
 * chain — the issue's two lightweight targets (≤ 300 B with a SHA-256 chain, ≤ 200 B without).
 */
interface Case {
  label: string;
  slug: string;
  tier: Tier;
  chain: boolean;
}
const CASES: readonly Case[] = [
  { label: "lightweight (SHA-256 chain)", slug: "lightweight", tier: "lightweight", chain: true },
  { label: "lightweight (no hash chain)", slug: "lightweight-nochain", tier: "lightweight", chain: false },
  { label: "sampled", slug: "sampled", tier: "sampled", chain: true },
  { label: "full", slug: "full", tier: "full", chain: true },
];

/** DES's required hash chain of an event whose producer keeps none. */
const NO_CHAIN = { current_hash: "0".repeat(64), algorithm: "none", previous_hash: null };

interface TierIngest {
  label: string;
  chain: boolean;
  tier: Tier;
  tenant: string;
  accepted: number;
  rawBytes: number;
  /** Effective tiers the log answered with (policy may raise the declared one). */
  effective: Record<string, number>;
  /** Whether the tenant policy of POLICIES could be set (else the default policy applied). */
  policySet: boolean;
}

interface DatabaseMeasure {
  file: string;
  tenant: string;
  pageSize: number;
  pages: number;
  freePages: number;
  /** Bytes by table or index name (dbstat). */
  objects: Record<string, number>;
}

function* sqliteFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sqliteFiles(path);
    else if (entry.name.endsWith(".sqlite")) yield path;
  }
}

/** Every LogShard database under a persist dir, with the tenant its `meta` row names. */
function measureDatabases(persistDir: string): DatabaseMeasure[] {
  const out: DatabaseMeasure[] = [];
  for (const file of sqliteFiles(persistDir)) {
    const db = new DatabaseSync(file, { readOnly: true });
    try {
      const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
      if (!hasMeta) continue;
      const log = db.prepare("SELECT v FROM meta WHERE k = 'log'").get() as { v: string } | undefined;
      if (!log) continue;
      const tenant = (JSON.parse(log.v) as { tenant: string }).tenant;
      const pageSize = Number((db.prepare("PRAGMA page_size").get() as { page_size: number }).page_size);
      const pages = Number((db.prepare("PRAGMA page_count").get() as { page_count: number }).page_count);
      const freePages = Number(
        (db.prepare("PRAGMA freelist_count").get() as { freelist_count: number }).freelist_count,
      );
      const objects: Record<string, number> = {};
      for (const row of db
        .prepare("SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name")
        .all() as Array<{ name: string; bytes: number }>) {
        objects[row.name] = Number(row.bytes);
      }
      out.push({ file, tenant, pageSize, pages, freePages, objects });
    } finally {
      db.close();
    }
  }
  return out;
}

export async function storageFigure(options: StorageOptions): Promise<FigureResult> {
  const dev = await startWrangler({ vars: { ...EDGELOG_VARS } });
  try {
    const ingests: TierIngest[] = [];
    for (const { label, slug, tier, chain } of CASES) {
      const tenant = `storage-${slug}`;
      const key = await createTenant(dev.url, tenant);
      const policy = await fetch(`${dev.url}/v1/admin/tenants/${tenant}/policy`, {
        method: "PUT",
        headers: { authorization: `Bearer ${DEV_ADMIN_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify(POLICIES[tier]),
      });
      const generator = createEventGenerator({ seed: 3, idPrefix: `storage-${slug}` });
      const next = () => {
        const event = generator.next(tier) as { temporal_metadata: { hash_chain: unknown } };
        if (!chain) event.temporal_metadata.hash_chain = NO_CHAIN;
        return event;
      };
      const ingest: TierIngest = {
        label,
        chain,
        tier,
        tenant,
        accepted: 0,
        rawBytes: 0,
        effective: {},
        policySet: policy.ok,
      };
      for (let sent = 0; sent < options.eventsPerTier; sent += options.eventsPerRequest) {
        const count = Math.min(options.eventsPerRequest, options.eventsPerTier - sent);
        const body = JSON.stringify(Array.from({ length: count }, next));
        const last = sent + count >= options.eventsPerTier;
        const res = await fetch(`${dev.url}/v1/events${last ? "?wait=sealed" : ""}`, {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body,
        });
        const answer = (await res.json()) as {
          accepted: number;
          results: Array<{ status: string; tier: string | null }>;
        };
        if (!res.ok || answer.accepted !== count)
          throw new Error(`storage ingest (${label}): ${res.status} ${JSON.stringify(answer).slice(0, 500)}`);
        ingest.accepted += answer.accepted;
        ingest.rawBytes += new TextEncoder().encode(body).length - 2 - (count - 1); // minus the array's brackets and commas
        for (const r of answer.results)
          ingest.effective[r.tier ?? "none"] = (ingest.effective[r.tier ?? "none"] ?? 0) + 1;
      }
      ingests.push(ingest);
      process.stderr.write(`storage: ${fmtInt(ingest.accepted)} ${label} events ingested\n`);
    }
    // Let the last seals and their alarms settle, then stop workerd so the files are complete.
    await new Promise((r) => setTimeout(r, 1_500));
    await dev.stop({ keepState: true });
    const databases = measureDatabases(dev.persistDir);
    return render(options, ingests, databases);
  } finally {
    await dev.stop(); // also removes the state kept for measuring
  }
}

function bundleTable(studies: ReadonlyArray<{ tier: string; study: BundleStudy }>): string {
  const lines = [
    "Batch bundles read back from the databases and recompressed with node:zlib (level 6 is zlib's default, which the runtime's `CompressionStream` uses; it offers no other level, and the Worker has no `nodejs_compat` zlib): bytes per event, and CPU µs per event in this Node process (best of 5).",
    "",
    table(
      [
        "tier",
        "as stored",
        "gzip level 6",
        "level 9",
        `one gzip member per ${SLICE_LINES}-event slice`,
        "without `digest`",
        "envelopes only",
        "bodies only",
        "CPU: gzip per batch",
        `CPU: gzip per slice`,
        "CPU: leaf hashes",
      ],
      studies.map(({ tier, study: s }) => [
        tier,
        fmt3(s.stored),
        fmt3(s.level6),
        fmt3(s.level9),
        fmt3(s.perSliceMembers),
        fmt3(s.withoutDigest),
        fmt3(s.envelopesOnly),
        fmt3(s.bodiesOnly),
        fmt3(s.cpu.gzipBatch),
        fmt3(s.cpu.gzipSlices),
        fmt3(s.cpu.leafHashes),
      ]),
    ),
  ];
  return lines.join("\n");
}

function compressionRow(s: BundleStudy): Row {
  return {
    measure: "sequencer CPU per event gzipping bundles at seal (full tier, node:zlib level 6)",
    value: `${fmt3(s.cpu.gzipBatch)} µs`,
    peer: `${fmt3(s.cpu.gzipSlices)} µs in the Worker if it had the lines (one member per ${SLICE_LINES}-event slice)`,
    ratio: fmtRatio(s.perSliceMembers / s.level6),
    target: "—",
    verdict: "no target",
  };
}

function compressionVerdict(studies: ReadonlyArray<{ tier: string; study: BundleStudy }>): string {
  const said = studies
    .map(
      ({ tier, study: s }) =>
        `${tier}: ${fmt3(s.cpu.gzipBatch)} µs per event in the sequencer (leaf hashes: ${fmt3(s.cpu.leafHashes)} µs), ${fmt3((s.perSliceMembers / s.level6 - 1) * 100)} % more bytes as per-slice members`,
    )
    .join("; ");
  const worst = Math.max(...studies.map(({ study: s }) => s.cpu.gzipBatch));
  return (
    `**Where to compress (verdict).** Measured: ${said}. ` +
    "Moving gzip to the Worker would take that CPU off the single-threaded sequencer, and even in the best case measured here (each request slice its own gzip member, concatenated into the bundle, RFC 1952 §2.2) cost the extra bytes shown. " +
    "But the Worker does not have the lines: each line's envelope is made by the sequencer (seq, received_at, the link to the producer's previous event), and a bundle must be one gzip stream of whole lines, header first, because it is the export the auditor hashes and the archive stores. " +
    "The Worker could compress only the bodies, which needs another stored and exported form. " +
    `Verdict: compression stays in the LogShard, once per batch at seal. It uses the sequencer's thread — at ${fmt3(worst)} µs per event, compression alone would bound a shard near ${fmtInt(1e6 / worst)} events/s — so it is the first thing to move should the export format ever carry bodies apart from envelopes.`
  );
}

/** The issue's lightweight targets: ≤ 300 B with a SHA-256 producer hash chain, ≤ 200 B without. */
const lightTarget = (ing: TierIngest) => (ing.chain ? 300 : 200);

function render(options: StorageOptions, ingests: TierIngest[], databases: DatabaseMeasure[]): FigureResult {
  const rows: Row[] = [];
  const breakdown: string[][] = [];
  const studies: Array<{ tier: string; study: BundleStudy }> = [];
  const raw: Record<string, unknown> = {};
  for (const ing of ingests) {
    const dbs = databases.filter((d) => d.tenant === ing.tenant);
    if (dbs.length === 0) throw new Error(`no LogShard database found for tenant ${ing.tenant}`);
    const used = dbs.reduce((s, d) => s + (d.pages - d.freePages) * d.pageSize, 0);
    const file = dbs.reduce((s, d) => s + d.pages * d.pageSize, 0);
    const perEvent = used / ing.accepted;
    const rawPerEvent = ing.rawBytes / ing.accepted;
    rows.push({
      measure: `bytes stored per ${ing.label} event (${dbs.length} shard database${dbs.length > 1 ? "s" : ""}, all tables and indexes)`,
      value: fmtInt(perEvent),
      peer: `${fmtInt(rawPerEvent)} (event JSON as sent)`,
      ratio: fmtRatio(perEvent / rawPerEvent),
      // Issue targets: lightweight ≤ 200 B (no producer hash chain), full ≤ 0.35× the JSON as sent.
      target: ing.tier === "lightweight" ? `≤ ${lightTarget(ing)} B` : ing.tier === "full" ? "≤ 0.35×" : "—",
      verdict:
        ing.tier === "lightweight"
          ? perEvent <= lightTarget(ing)
            ? "met"
            : "missed"
          : ing.tier === "full"
            ? perEvent / rawPerEvent <= 0.35
              ? "met"
              : "missed"
            : "no target",
    });
    const objects: Record<string, number> = {};
    for (const d of dbs)
      for (const [name, bytes] of Object.entries(d.objects)) objects[name] = (objects[name] ?? 0) + bytes;
    // Tables and indexes of a page or two per database are fixed costs: shown as one line.
    const smallLimit = 2 * (dbs[0]?.pageSize ?? 4096) * dbs.length;
    let small = 0;
    let smallCount = 0;
    for (const [name, bytes] of Object.entries(objects).sort((a, b) => b[1] - a[1])) {
      if (bytes <= smallLimit) {
        small += bytes;
        smallCount++;
        continue;
      }
      breakdown.push([ing.label, `\`${name}\``, fmt3(bytes / ing.accepted)]);
    }
    if (smallCount > 0)
      breakdown.push([
        ing.label,
        `${smallCount} other tables and indexes (≤ 2 pages each)`,
        fmt3(small / ing.accepted),
      ]);
    const study = studyBundles(dbs.map((d) => d.file));
    studies.push({ tier: ing.label, study });
    raw[ing.label] = {
      ...ing,
      bundles: study,
      usedBytes: used,
      fileBytes: file,
      databases: dbs.map((d) => ({ ...d, file: undefined })),
    };
  }
  const effective = ingests
    .map(
      (i) =>
        `${i.label} → ${Object.entries(i.effective)
          .map(([t, n]) => `${t} ${fmtInt(n)}`)
          .join(", ")}`,
    )
    .join("; ");
  const policies = ingests.every((i) => i.policySet)
    ? `Tenant policies keep the declared tier: ${TIERS.map((t) => `${t} \`${JSON.stringify(POLICIES[t])}\``).join(", ")} (the effective tier is the higher of the declared one and the policy's).`
    : "Setting tenant policies (`PUT /v1/admin/tenants/{t}/policy`) failed, so the default policy applied: effective tiers may be higher than declared.";
  const full = studies.find((s) => s.tier === "full")?.study;
  if (full) rows.push(compressionRow(full));
  return {
    id: "storage",
    title: "Storage per event, by tier",
    rows,
    method: [
      `A fresh \`wrangler dev\` of edgelog (its wrangler.toml, empty persist dir); one tenant per case; ${fmtInt(options.eventsPerTier)} generated events each — every tier with the generator's SHA-256 DES hash chain (both hashes random, so incompressible: the issue's ≤ 300 B lightweight target), and lightweight once more with no hash chain (\`algorithm: "none"\`, zero \`current_hash\`: the ≤ 200 B target) — (${options.eventsPerRequest} per request, the last request with \`?wait=sealed\`), so every event is in a sealed batch with its log-tree nodes and checkpoint.`,
      policies,
      `Effective tiers answered (declared → effective): ${effective}.`,
      "Then workerd is stopped and each LogShard database file under the persist dir is opened with node:sqlite: bytes = (page_count − freelist_count) × page_size, summed over the tenant's shard databases, divided by the events accepted. That counts every table and index (storage layout 3: the two per-event index tables, batches with their gzip bundles and upper tree nodes, pending request rows, tree nodes, checkpoints, stats totals, metadata and workerd's own tables). Peer column: the mean size of the event's JSON as sent.",
      "What each tier retains is the shard's current behaviour, measured as is; re-run `node bench/run.mjs storage` after changing it.",
    ],
    details: [
      "Bytes per event by table or index (SQLite dbstat):",
      table(["tier", "table or index", "bytes per event"], breakdown),
      bundleTable(studies),
      compressionVerdict(studies),
    ],
    raw,
  };
}

#!/usr/bin/env node
// Sends a few identical small gzip bodies at once to POST /v1/events. Each is about 8 KB of gzip
// that inflates to just under MAX_DECOMPRESSED_BYTES of "[[[…]]]": legal gzip, legal JSON,
// within every documented limit, but JSON.parse builds millions of nested arrays from it.
// Every answer should be a 4xx, and handling it should fit in a Worker isolate's 128 MB.
// Exits 1 when an answer is a 5xx or missing, or (with --pid, Linux) when the process's resident
// memory grew by more than 128 MiB while the requests ran; wrangler dev does not enforce the
// isolate memory limit, so locally the growth is the symptom to look at.
//
//   node scripts/reliability-nesting-bomb.mjs --url http://127.0.0.1:8787 --key <ingest key> \
//     [--copies 8] [--depth 4000000] [--pid <pid of workerd>]
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { parseArgs } from "node:util";

const ISOLATE_MEMORY_BYTES = 128 * 1024 * 1024;

const { values } = parseArgs({
  options: {
    url: { type: "string", default: process.env.EDGELOG_URL ?? "http://127.0.0.1:8787" },
    key: { type: "string", default: process.env.EDGELOG_KEY },
    copies: { type: "string", default: "8" },
    depth: { type: "string", default: "4000000" },
    pid: { type: "string" },
  },
});
if (!values.key) {
  console.error(
    "usage: reliability-nesting-bomb.mjs --url <server> --key <key with the ingest scope> [--copies 8] [--depth 4000000] [--pid <workerd pid>]",
  );
  process.exit(2);
}
const depth = Number(values.depth);
const copies = Number(values.copies);
const body = gzipSync(Buffer.concat([Buffer.alloc(depth, 0x5b), Buffer.alloc(depth, 0x5d)]), { level: 9 });
console.log(
  `${copies} requests of ${body.length} bytes of gzip, ${2 * depth} bytes inflated, ${depth} nested arrays`,
);

/** Resident set size of `pid` in bytes, from /proc (Linux only). */
function rss(pid) {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kb) * 1024;
}
const baseline = values.pid ? rss(values.pid) : 0;
let peak = baseline;
const sampler = values.pid ? setInterval(() => (peak = Math.max(peak, rss(values.pid))), 20) : null;

const started = Date.now();
const answers = await Promise.all(
  Array.from({ length: copies }, async () => {
    try {
      const res = await fetch(`${values.url}/v1/events`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${values.key}`,
          "content-type": "application/json",
          "content-encoding": "gzip",
        },
        body,
      });
      return `${res.status} ${(await res.text()).slice(0, 100)}`;
    } catch (err) {
      return `no answer: ${err?.cause?.message ?? err}`;
    }
  }),
);
const counts = new Map();
for (const a of answers) counts.set(a, (counts.get(a) ?? 0) + 1);
for (const [answer, n] of counts) console.log(`${String(n).padStart(3)} × ${answer}`);
console.log(`${Date.now() - started} ms`);
if (sampler) clearInterval(sampler);
const grew = peak - baseline;
if (values.pid)
  console.log(
    `process ${values.pid}: resident memory grew by ${Math.round(grew / 1048576)} MiB (isolate limit ${ISOLATE_MEMORY_BYTES / 1048576} MiB)`,
  );
process.exit(answers.every((a) => /^4\d\d /.test(a)) && grew <= ISOLATE_MEMORY_BYTES ? 0 : 1);

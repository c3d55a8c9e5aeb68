// Makes sure `.dev.vars` holds the two secrets `wrangler dev` needs, creating random ones when
// missing. Existing values are never overwritten: the signing key is the log's identity.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";

const FILE = ".dev.vars";
const wanted = {
  EDGELOG_ADMIN_TOKEN: () => randomBytes(32).toString("base64url"),
  EDGELOG_SIGNING_KEY: () => randomBytes(32).toString("base64"),
};

const current = existsSync(FILE) ? readFileSync(FILE, "utf8") : "";
const present = new Set(
  current
    .split("\n")
    .map((line) => /^\s*([A-Z0-9_]+)\s*=/.exec(line)?.[1])
    .filter(Boolean),
);
const added = Object.entries(wanted)
  .filter(([name]) => !present.has(name))
  .map(([name, make]) => `${name}=${make()}`);

if (added.length > 0) {
  const prefix = current.length > 0 && !current.endsWith("\n") ? "\n" : "";
  writeFileSync(FILE, current + prefix + added.join("\n") + "\n", { mode: 0o600 });
  console.log(
    `edgelog: wrote ${added.map((l) => l.split("=")[0]).join(" and ")} to ${FILE} (local secrets, not committed).`,
  );
}
console.log(
  `edgelog: the admin token is in ${FILE}; read it with:  grep EDGELOG_ADMIN_TOKEN ${FILE} | cut -d= -f2-`,
);

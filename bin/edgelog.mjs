#!/usr/bin/env node
// Entry of the `edgelog` command: runs the bundled CLI, building it first when absent.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bundle = join(root, "dist", "cli.mjs");
if (!existsSync(bundle)) {
  const { buildCli } = await import(pathToFileURL(join(root, "scripts", "build-cli.mjs")).href);
  await buildCli();
}
const { main } = await import(pathToFileURL(bundle).href);
process.exitCode = await main(process.argv.slice(2));

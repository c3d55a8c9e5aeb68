/**
 * The Chromium the browser tests drive. By default the one shipped inside the
 * `@sparticuz/chromium` npm package, so every machine that ran `npm ci` tests with the same
 * browser and nothing is downloaded or installed by hand. `EDGELOG_CHROMIUM=/path/to/chromium`
 * names a system browser instead.
 */
import chromium, { inflate } from "@sparticuz/chromium";
import type { BrowserContext, Page } from "playwright-core";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { REPO_ROOT } from "./wrangler-dev";

export interface Browser {
  executablePath: string;
  args: string[];
  /** Environment for the browser process. */
  env: Record<string, string>;
  /** Where the executable came from, for error messages. */
  source: string;
}

/** Flags for a system Chromium (the packaged one brings its own list). */
const SYSTEM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Flags added to the packaged browser's own: the tests talk to loopback only. */
const OFFLINE_ARGS = [
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

// The package unpacks itself into os.tmpdir(), checking only whether a file of the target name
// already exists, so two test runs unpacking at once could each see the other's half-written
// binary. Unpack into a private directory instead, then move it into place in one rename.
const CACHE = join(REPO_ROOT, "node_modules", ".cache", "edgelog-chromium");
const PACKAGE = join(REPO_ROOT, "node_modules", "@sparticuz", "chromium");

async function unpackPackaged(): Promise<string> {
  const manifest = join(PACKAGE, "package.json");
  const { version } = JSON.parse(readFileSync(manifest, "utf8")) as { version: string };
  const target = join(CACHE, version);
  const binary = join(target, "chromium");
  if (existsSync(binary)) return binary;
  mkdirSync(CACHE, { recursive: true });
  const staging = mkdtempSync(join(CACHE, `${version}.unpacking-`));
  const savedTmp = process.env["TMPDIR"];
  try {
    // os.tmpdir() reads TMPDIR on every call: the package unpacks into `staging`.
    process.env["TMPDIR"] = staging;
    const unpacked = await chromium.executablePath();
    if (unpacked !== join(staging, "chromium"))
      throw new Error(`@sparticuz/chromium unpacked to ${unpacked}, expected ${join(staging, "chromium")}`);
    // The shared libraries the binary links beyond glibc (NSS, NSPR, expat), also shipped in the
    // package: a machine without Debian's libnss3 still runs the browser.
    await inflate(join(PACKAGE, "bin", "al2023.tar.br"));
    // The package's own fonts.conf points at /tmp/fonts; this one at the packaged fonts where
    // they will live after the rename, plus the system's, with the cache kept alongside.
    writeFileSync(
      join(staging, "fonts.conf"),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n` +
        `  <dir>${join(target, "fonts", "fonts")}</dir>\n  <dir>/usr/share/fonts</dir>\n` +
        `  <cachedir>${join(target, "fonts-cache")}</cachedir>\n</fontconfig>\n`,
    );
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  } finally {
    if (savedTmp === undefined) delete process.env["TMPDIR"];
    else process.env["TMPDIR"] = savedTmp;
  }
  try {
    renameSync(staging, target);
  } catch (err) {
    // Another run got there first: use its copy.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(binary)) throw err;
  }
  return binary;
}

/** The browser to launch: EDGELOG_CHROMIUM when set, else the packaged Chromium. */
export async function testBrowser(): Promise<Browser> {
  const named = process.env["EDGELOG_CHROMIUM"];
  const env = Object.fromEntries(
    Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined),
  );
  if (named) {
    if (!existsSync(named)) throw new Error(`EDGELOG_CHROMIUM names ${named}, which does not exist`);
    return { executablePath: named, args: SYSTEM_ARGS, env, source: `EDGELOG_CHROMIUM=${named}` };
  }
  const executablePath = await unpackPackaged();
  return {
    executablePath,
    args: [...chromium.args, ...OFFLINE_ARGS],
    env: {
      ...env,
      FONTCONFIG_FILE: join(dirname(executablePath), "fonts.conf"),
      LD_LIBRARY_PATH: [join(dirname(executablePath), "al2023", "lib"), env["LD_LIBRARY_PATH"]]
        .filter(Boolean)
        .join(":"),
    },
    source: "@sparticuz/chromium",
  };
}

/**
 * A new page of `context` at `url`, with every page error and Content Security Policy refusal
 * appended to `errors` (tests assert it stays empty).
 */
export async function openWatchedPage(context: BrowserContext, url: string, errors: string[]): Promise<Page> {
  const page = await context.newPage();
  page.on("pageerror", (err) => errors.push(err.message));
  page.on("console", (msg) => {
    if (/Content Security Policy|Refused to/.test(msg.text())) errors.push(msg.text());
  });
  await page.goto(url);
  return page;
}

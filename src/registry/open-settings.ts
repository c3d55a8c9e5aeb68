/**
 * A tenant's open-verification settings: whether its logs' tlog-tiles are public, and which
 * tlog-witness witnesses cosign its checkpoints. Stored by the registry, one JSON document per
 * tenant; validated here so the admin route and the registry agree on the form.
 */
import { parseCosignerVkey } from "../core/note";

export type TilesAccess = "public" | "key";

export interface WitnessConfig {
  /** The witness's key name (the vkey's name). */
  name: string;
  /** Its Ed25519 cosignature/v1 vkey (type 0x04). */
  vkey: string;
  /** Submission prefix: add-checkpoint is POSTed to `<url>/add-checkpoint`. */
  url: string;
}

export interface OpenSettings {
  tiles: TilesAccess;
  witnesses: WitnessConfig[];
}

export const DEFAULT_OPEN_SETTINGS: OpenSettings = { tiles: "key", witnesses: [] };
/** Most witnesses a tenant may list (each costs one request per checkpoint). */
export const MAX_WITNESSES = 16;
export const MAX_WITNESS_URL = 512;

export const OPEN_SETTINGS_SCHEMA = `
CREATE TABLE IF NOT EXISTS open_settings (
  tenant TEXT PRIMARY KEY,
  document TEXT NOT NULL
) WITHOUT ROWID;
`;

export interface SettingsProblem {
  path: string;
  message: string;
}

/** Checks a settings document; returns it normalized, or the list of problems (JSON pointers). */
export function validateOpenSettings(
  value: unknown,
): { ok: true; settings: OpenSettings } | { ok: false; problems: SettingsProblem[] } {
  const problems: SettingsProblem[] = [];
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, problems: [{ path: "", message: "must be an object {tiles, witnesses}" }] };
  }
  const doc = value as Record<string, unknown>;
  for (const k of Object.keys(doc))
    if (k !== "tiles" && k !== "witnesses") problems.push({ path: `/${k}`, message: "unknown member" });
  const tiles = doc.tiles ?? DEFAULT_OPEN_SETTINGS.tiles;
  if (tiles !== "public" && tiles !== "key")
    problems.push({ path: "/tiles", message: 'must be "public" or "key"' });
  const list = doc.witnesses ?? [];
  const witnesses: WitnessConfig[] = [];
  if (!Array.isArray(list)) problems.push({ path: "/witnesses", message: "must be an array" });
  else if (list.length > MAX_WITNESSES)
    problems.push({ path: "/witnesses", message: `at most ${MAX_WITNESSES} witnesses` });
  else {
    list.forEach((w: unknown, i) => {
      const at = `/witnesses/${i}`;
      if (w === null || typeof w !== "object" || Array.isArray(w))
        return problems.push({ path: at, message: "must be an object {name, vkey, url}" });
      const { name, vkey, url } = w as Record<string, unknown>;
      if (typeof vkey !== "string")
        return problems.push({ path: `${at}/vkey`, message: "must be a cosigner vkey string" });
      let keyName: string;
      try {
        keyName = parseCosignerVkey(vkey).name;
      } catch (err) {
        return problems.push({ path: `${at}/vkey`, message: (err as Error).message });
      }
      if (name !== undefined && name !== keyName)
        problems.push({ path: `${at}/name`, message: `must be the vkey's name '${keyName}'` });
      if (typeof url !== "string" || url.length > MAX_WITNESS_URL || !/^https?:\/\/[^\s]+$/.test(url)) {
        return problems.push({
          path: `${at}/url`,
          message: `must be an http(s) URL of at most ${MAX_WITNESS_URL} characters`,
        });
      }
      if (witnesses.some((x) => x.name === keyName))
        return problems.push({ path: `${at}/name`, message: `witness '${keyName}' is listed twice` });
      witnesses.push({ name: keyName, vkey, url: url.replace(/\/+$/, "") });
    });
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, settings: { tiles: tiles as TilesAccess, witnesses } };
}

export function readOpenSettings(sql: SqlStorage, tenant: string): OpenSettings {
  const row = sql
    .exec<{ document: string }>("SELECT document FROM open_settings WHERE tenant = ?", tenant)
    .toArray()[0];
  return row ? (JSON.parse(row.document) as OpenSettings) : DEFAULT_OPEN_SETTINGS;
}

export function writeOpenSettings(sql: SqlStorage, tenant: string, settings: OpenSettings): void {
  sql.exec(
    "INSERT OR REPLACE INTO open_settings (tenant, document) VALUES (?, ?)",
    tenant,
    JSON.stringify(settings),
  );
}

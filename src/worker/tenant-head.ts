import { formatVerifierKey, parseSigningKey, signerFromSeed, signNote, type NoteSigner } from "../core/note";
import {
  EMPTY_ROOT_HEX,
  formatTenantHead,
  type ShardHeadEntry,
  type TenantHeadDocument,
} from "../core/tenant-head";
import { originBase } from "../core/protocol";
import type { Config } from "./config";
import { fanOut, type RoutedTenant } from "./fan-out";
import type { TenantRef } from "./routing";

/** A head older than this is recomputed when asked for; the cron refreshes heads every minute. */
export const HEAD_MAX_AGE_MS = 60_000;

/** `<LOG_ORIGIN>/<tenant>`, or `<jurisdiction>.<LOG_ORIGIN>/<tenant>` for a tenant bound to one. */
export function headOrigin(config: Config, tenant: TenantRef): string {
  return `${originBase(config.logOrigin, tenant.jurisdiction)}/${tenant.id}`;
}

const signers = new Map<string, NoteSigner>();

async function headSigner(env: Env, origin: string): Promise<NoteSigner> {
  const cached = signers.get(origin);
  if (cached) return cached;
  const secret = env.EDGELOG_SIGNING_KEY;
  if (typeof secret !== "string" || secret.length === 0)
    throw new Error("EDGELOG_SIGNING_KEY is not set: cannot sign tenant heads");
  const signer = await signerFromSeed(origin, parseSigningKey(secret));
  signers.set(origin, signer);
  return signer;
}

export async function headVerifierKey(env: Env, config: Config, tenant: TenantRef): Promise<string> {
  const signer = await headSigner(env, headOrigin(config, tenant));
  return formatVerifierKey(signer.name, signer.publicKey);
}

/** Gathers every shard's latest checkpoint, signs a new head and stores it in the registry. */
export async function refreshHead(
  env: Env,
  config: Config,
  tenant: RoutedTenant,
  now = new Date(),
): Promise<TenantHeadDocument> {
  const shards: ShardHeadEntry[] = await fanOut(env, config, tenant, async (stub, log) => {
    const summary = await stub.checkpointSummary();
    return summary
      ? {
          log: String(log.shard),
          origin: log.origin,
          size: summary.size,
          root: summary.root,
          checkpoint: summary.checkpoint,
        }
      : { log: String(log.shard), origin: log.origin, size: 0, root: EMPTY_ROOT_HEX, checkpoint: null };
  });
  const origin = headOrigin(config, tenant);
  const note = await signNote(formatTenantHead(origin, shards, now), [await headSigner(env, origin)]);
  const doc: TenantHeadDocument = { note, shards };
  await env.REGISTRY.getByName("registry").putHead(tenant.id, JSON.stringify(doc), now.getTime());
  return doc;
}

/** The stored head when fresh enough, else a new one. */
export async function currentHead(
  env: Env,
  config: Config,
  tenant: RoutedTenant,
): Promise<TenantHeadDocument> {
  const stored = await env.REGISTRY.getByName("registry").getHead(tenant.id);
  if (stored && Date.now() - stored.created_at < HEAD_MAX_AGE_MS)
    return JSON.parse(stored.document) as TenantHeadDocument;
  return refreshHead(env, config, tenant);
}

/** The cron: re-sign every tenant's head. */
export async function refreshAllHeads(env: Env, config: Config): Promise<number> {
  const registry = env.REGISTRY.getByName("registry");
  let n = 0;
  for (const id of await registry.listTenantIds()) {
    const tenant = await registry.getTenant(id);
    if (!tenant) continue;
    await refreshHead(env, config, tenant);
    n++;
  }
  return n;
}

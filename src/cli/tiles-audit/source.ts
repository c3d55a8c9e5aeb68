/**
 * Reads a tlog-tiles prefix over HTTP: the checkpoint, hash tiles, entry bundles and edgelog's
 * envelope bundles. Retries network errors and 429/5xx a few times; a 404 is an answer.
 */
import { formatTileIndex, formatTilePath, type TileRef } from "../../core/tiles";
import { CliError, EXIT_USAGE } from "../errors";
import { NetworkError } from "../http";

export class TilesHttpError extends CliError {
  constructor(message: string) {
    super(message, EXIT_USAGE, "http");
  }
}

export interface TileSource {
  readonly prefix: string;
  checkpoint(): Promise<string | null>;
  tile(tile: TileRef): Promise<Uint8Array>;
  envelopes(batch: number): Promise<Uint8Array>;
}

const RETRIES = 4;

export function httpTileSource(prefixUrl: string, apiKey: string | undefined): TileSource {
  const prefix = prefixUrl.replace(/\/+$/, "");
  async function get(path: string, allow404: boolean): Promise<Response | null> {
    const url = `${prefix}/${path}`;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(url, { headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {} });
      } catch (err) {
        if (attempt < RETRIES) {
          await sleep(250 * 2 ** attempt);
          continue;
        }
        throw new NetworkError(`cannot reach ${url}: ${(err as Error).message}`, { cause: err });
      }
      if ((res.status === 429 || res.status >= 500) && attempt < RETRIES) {
        await res.body?.cancel();
        await sleep(250 * 2 ** attempt);
        continue;
      }
      if (res.status === 404 && allow404) return null;
      if (!res.ok) {
        const text = (await res.text()).slice(0, 300);
        const hint = res.status === 401 ? " (these tiles need a key with the 'read' scope: --key)" : "";
        throw new TilesHttpError(`GET ${url} answered ${res.status}${hint}: ${text}`);
      }
      return res;
    }
  }
  const bytes = async (path: string) => new Uint8Array(await (await get(path, false))!.arrayBuffer());
  return {
    prefix,
    async checkpoint() {
      const res = await get("checkpoint", true);
      return res ? res.text() : null;
    },
    tile: (tile) => bytes(formatTilePath(tile)),
    envelopes: (batch) => bytes(`envelopes/${formatTileIndex(batch)}`),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

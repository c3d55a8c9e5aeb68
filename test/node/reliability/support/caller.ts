/** A tenant's view of a running server: its base URL (which changes when it restarts) and key. */
export interface Caller {
  url: string;
  key: string;
}

export interface Answer<T> {
  status: number;
  body: T;
}

/**
 * GET with the tenant's key. A connection failure is retried a few times: after a server is
 * killed and restarted on the same port, the client's pool may hold a dead connection, and a GET
 * is safe to repeat.
 */
export async function getText(caller: Caller, path: string): Promise<Answer<string>> {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(`${caller.url}${path}`, {
        headers: { authorization: `Bearer ${caller.key}` },
        signal: AbortSignal.timeout(30_000),
      });
      return { status: res.status, body: await res.text() };
    } catch (err) {
      if (attempt >= 4)
        throw new Error(`GET ${path} failed ${attempt} times: ${String(err)}`, { cause: err });
      await sleep(100 * attempt);
    }
  }
}

/** GET that expects JSON; a body that is not JSON is a failure of its own, with the text shown. */
export async function getJson<T>(caller: Caller, path: string): Promise<Answer<T>> {
  const { status, body } = await getText(caller, path);
  try {
    return { status, body: JSON.parse(body) as T };
  } catch {
    throw new Error(`GET ${path} answered ${status} with a body that is not JSON: ${body.slice(0, 300)}`);
  }
}

/** Runs `work` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!, i);
    }
  });
  await Promise.all(lanes);
  return out;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The answer `wrangler dev`'s proxy gives a non-GET request that was in flight when it reloaded
 * the worker (it reloads when a source file changes). It comes from the development proxy, not
 * from edgelog, and means "not processed: send again".
 */
export function isDevReload(status: number, text: string): boolean {
  return status === 503 && text.startsWith("Your worker restarted mid-request");
}

/**
 * What `wrangler dev`'s proxy answers when its connection to the worker drops mid-request, as it
 * sometimes does when the worker answers (e.g. 413) before a streamed request body has been
 * fully sent, and now and then under load for a request sent whole. The text comes from
 * miniflare's entry worker, not from edgelog.
 */
export function isDevProxyDrop(status: number, text: string): boolean {
  return status === 500 && text.startsWith("Error: Network connection lost.") && text.includes("miniflare");
}

/**
 * CPU profile of a Worker running under `wrangler dev`, taken through its inspector port with
 * the Chrome DevTools Protocol (the same connection DevTools makes). In local dev the Worker and
 * its Durable Objects share the isolate, so the profile covers both.
 */
import type { CpuProfile } from "./cpu-profile";

/** A DevTools Protocol connection to the Worker's isolate through `wrangler dev`'s inspector. */
export interface Inspector {
  /** Sends a command; with `needsResult`, waits for the answer that carries data. */
  send: (method: string, params?: Record<string, unknown>, needsResult?: boolean) => Promise<unknown>;
  close: () => void;
}

export async function openInspector(inspectorPort: number): Promise<Inspector> {
  // The inspector proxy refuses connections without an Origin header.
  const ws = new WebSocket(`ws://127.0.0.1:${inspectorPort}/ws`, {
    headers: { Origin: `http://127.0.0.1:${inspectorPort}` },
  } as never);
  // An answer carries the request's id. workerd answers some commands by echoing the request
  // (with `method`) and wrangler's proxy may echo too, so a command that must return data
  // waits for the message with the id that has a `result`.
  type Message = { id?: number; method?: string; result?: unknown; error?: { message: string } };
  const pending = new Map<number, { needsResult: boolean; settle: (msg: Message) => void }>();
  let next = 0;
  ws.addEventListener("message", (m: MessageEvent) => {
    const msg = JSON.parse(String(m.data)) as Message;
    const waiter = msg.id === undefined ? undefined : pending.get(msg.id);
    if (!waiter) return;
    if (waiter.needsResult && msg.result === undefined && msg.error === undefined) return;
    pending.delete(msg.id!);
    waiter.settle(msg);
  });
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener("open", () => resolve());
    ws.addEventListener("error", () =>
      reject(new Error(`cannot connect to the inspector on port ${inspectorPort}`)),
    );
  });
  const send = (method: string, params: Record<string, unknown> = {}, needsResult = false) =>
    new Promise<unknown>((resolve, reject) => {
      const id = ++next;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${method}: no answer from the inspector within 30 s`));
      }, 30_000);
      pending.set(id, {
        needsResult,
        settle: (msg) => {
          clearTimeout(timer);
          if (msg.error) reject(new Error(`${method}: ${msg.error.message}`));
          else resolve(msg.result);
        },
      });
      ws.send(JSON.stringify({ id, method, params }));
    });
  return { send, close: () => ws.close() };
}

export async function profileWorker(
  inspectorPort: number,
  during: () => Promise<unknown>,
): Promise<CpuProfile> {
  const inspector = await openInspector(inspectorPort);
  const { send } = inspector;
  try {
    await send("Profiler.enable");
    await send("Profiler.setSamplingInterval", { interval: 200 });
    await send("Profiler.start");
    await during();
    const { profile } = (await send("Profiler.stop", {}, true)) as { profile: CpuProfile };
    return profile;
  } finally {
    inspector.close();
  }
}

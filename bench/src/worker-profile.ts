/**
 * CPU profile of a Worker running under `wrangler dev`, taken through its inspector port with
 * the Chrome DevTools Protocol (the same connection DevTools makes). In local dev the Worker and
 * its Durable Objects share the isolate, so the profile covers both.
 */
import type { CpuProfile } from "./cpu-profile";

export async function profileWorker(inspectorPort: number, during: () => Promise<unknown>): Promise<CpuProfile> {
  // The inspector proxy refuses connections without an Origin header.
  const ws = new WebSocket(`ws://127.0.0.1:${inspectorPort}/ws`, { headers: { Origin: `http://127.0.0.1:${inspectorPort}` } } as never);
  const pending = new Map<number, (msg: { result?: unknown; error?: { message: string } }) => void>();
  let next = 0;
  ws.addEventListener("message", (m: MessageEvent) => {
    const msg = JSON.parse(String(m.data)) as { id?: number; result?: unknown; error?: { message: string } };
    if (msg.id !== undefined) {
      pending.get(msg.id)?.(msg);
      pending.delete(msg.id);
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener("open", () => resolve());
    ws.addEventListener("error", () => reject(new Error(`cannot connect to the inspector on port ${inspectorPort}`)));
  });
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve, reject) => {
      const id = ++next;
      pending.set(id, (msg) => (msg.error ? reject(new Error(`${method}: ${msg.error.message}`)) : resolve(msg.result)));
      ws.send(JSON.stringify({ id, method, params }));
    });
  try {
    await send("Profiler.enable");
    await send("Profiler.setSamplingInterval", { interval: 200 });
    await send("Profiler.start");
    await during();
    const { profile } = (await send("Profiler.stop")) as { profile: CpuProfile };
    return profile;
  } finally {
    ws.close();
  }
}

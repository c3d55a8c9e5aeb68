import { DurableObject } from "cloudflare:workers";

export class LogShard extends DurableObject<Env> {
  async ping(): Promise<string> {
    return "pong";
  }
}

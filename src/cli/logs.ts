/** Small read helpers over the logs API shared by several commands. */
import { CliError, EXIT_USAGE } from "./errors";
import { HttpError, type ApiClient } from "./http";

export interface LogSummary {
  log: string;
  origin: string;
  size: number;
  events?: number;
  pending?: number;
}

export const logPath = (log: string, rest: string) => `/v1/logs/${encodeURIComponent(log)}${rest}`;

/** The latest signed checkpoint note of `log`, or null when the log has no sealed batch yet. */
export async function fetchCheckpoint(client: ApiClient, log: string): Promise<string | null> {
  try {
    return await client.getText(logPath(log, "/checkpoint"));
  } catch (err) {
    if (err instanceof HttpError && err.status === 404 && err.apiCode === "no_checkpoint") return null;
    throw err;
  }
}

/** The log (number) whose origin is `origin`, among the caller's tenant's logs. */
export async function logForOrigin(client: ApiClient, origin: string): Promise<LogSummary> {
  const logs = await client.getJson<LogSummary[]>("/v1/logs");
  const found = logs.find((l) => l.origin === origin);
  if (!found) {
    throw new CliError(
      `the server lists no log with origin ${origin} (it has: ${logs.map((l) => l.origin).join(", ") || "none"})`,
      EXIT_USAGE,
      "not_found",
    );
  }
  return found;
}

/** The verifier key the server publishes for `log` (not independent evidence). */
export async function fetchServerVkey(client: ApiClient, log: string): Promise<string> {
  return (await client.getText(logPath(log, "/key"))).trim();
}

export interface ConsistencyAnswer {
  from: number;
  to: number;
  path: string[];
}

export async function fetchConsistency(
  client: ApiClient,
  log: string,
  from: number,
  to: number,
): Promise<string[]> {
  const answer = await client.getJson<ConsistencyAnswer>(logPath(log, `/consistency?from=${from}&to=${to}`));
  if (answer.from !== from || answer.to !== to || !Array.isArray(answer.path)) {
    throw new CliError(
      `consistency answer is for ${answer.from}→${answer.to}, asked ${from}→${to}`,
      EXIT_USAGE,
      "http",
    );
  }
  return answer.path;
}

/**
 * All command output goes through here, so every command behaves the same under `--json`:
 * human mode writes readable lines to stdout and notes to stderr; JSON mode writes exactly one
 * JSON document per command (or one JSON line per record for streaming commands) to stdout and
 * keeps stderr for notes.
 */
import { CheckFailedError, CliError } from "./errors";
import type { CliIo } from "./io";

export class Output {
  readonly json: boolean;
  private readonly io: CliIo;

  constructor(io: CliIo, json: boolean) {
    this.io = io;
    this.json = json;
  }

  /** A line for people on stdout; nothing in JSON mode. */
  line(text = ""): void {
    if (!this.json) this.io.stdout.write(`${text}\n`);
  }

  /** A passed check, as "✓ step  detail"; nothing in JSON mode (the result lists the steps). */
  passed(step: string, detail: string): void {
    this.line(`✓ ${step.padEnd(22)} ${detail}`);
  }

  /** A note for people on stderr (warnings, hints), in both modes. */
  note(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }

  /** The command's machine-readable result: one JSON document in JSON mode, nothing otherwise. */
  result(value: unknown): void {
    if (this.json) this.io.stdout.write(`${JSON.stringify(value)}\n`);
  }

  /** One record of a stream: an NDJSON line in JSON mode, `human` otherwise. */
  record(value: unknown, human: string): void {
    this.io.stdout.write(this.json ? `${JSON.stringify(value)}\n` : `${human}\n`);
  }

  /**
   * Reports a failure. A failed check names its step with the expected and found values; in
   * JSON mode the error object (plus `extra`, e.g. the steps that passed) goes to stdout.
   */
  failure(err: CliError, extra: Record<string, unknown> = {}): void {
    if (this.json) {
      const error: Record<string, unknown> = { code: err.code, message: err.message };
      if (err instanceof CheckFailedError) {
        Object.assign(error, { step: err.step, expected: err.expected, found: err.found, ...err.where });
      }
      this.io.stdout.write(`${JSON.stringify({ ok: false, ...extra, error })}\n`);
      return;
    }
    if (err instanceof CheckFailedError) {
      const where = Object.entries(err.where)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ");
      const lines = [
        `✗ ${err.step.padEnd(22)} ${err.message}`,
        ...(where ? [`    at       ${where}`] : []),
        `    expected ${err.expected}`,
        `    found    ${err.found}`,
      ];
      this.io.stdout.write(`${lines.join("\n")}\n`);
      return;
    }
    this.io.stderr.write(`edgelog: ${err.message}\n`);
  }
}

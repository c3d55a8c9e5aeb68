/**
 * Exit codes and the errors that carry them. Every failure the CLI reports is one of these, so
 * `main` can map it to an exit code and a message without guessing.
 */

/** Success. */
export const EXIT_OK = 0;
/** A verification failed, or the server rejected some events. */
export const EXIT_FAILED = 1;
/** Bad usage, a network or server error: nothing was verified. */
export const EXIT_USAGE = 2;

export type ExitCode = typeof EXIT_OK | typeof EXIT_FAILED | typeof EXIT_USAGE;

/** An error the CLI reports as one message and exits with `exitCode`. */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  /** Machine-readable kind, printed in `--json` mode. */
  readonly code: string;
  constructor(message: string, exitCode: ExitCode, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.code = code;
  }
}

/** The command line is wrong (unknown flag, missing argument, bad value). */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT_USAGE, "usage");
  }
}

/** A local input (file, vkey, state file) cannot be read or parsed. */
export class InputError extends CliError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, EXIT_USAGE, "input", options);
  }
}

/**
 * A check failed: what was checked (`step`), what was expected and what was found. Exit 1.
 * `where` pinpoints the place (batch, seq, id) when the check is about one part of a log.
 */
export class CheckFailedError extends CliError {
  readonly step: string;
  readonly expected: string;
  readonly found: string;
  readonly where: Readonly<Record<string, string | number>>;
  constructor(
    step: string,
    message: string,
    expected: string,
    found: string,
    where: Readonly<Record<string, string | number>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, EXIT_FAILED, "verification_failed", options);
    this.step = step;
    this.expected = expected;
    this.found = found;
    this.where = where;
  }
}

/**
 * Base class of every verification failure in the core. Carries what was expected and what was
 * found so that a verifier can say exactly which value differed, not only that something did.
 */
export class VerificationError extends Error {
  readonly expected: string;
  readonly found: string;
  constructor(message: string, expected: string, found: string) {
    super(`${message} (expected ${expected}, found ${found})`);
    this.name = new.target.name;
    this.expected = expected;
    this.found = found;
  }
}

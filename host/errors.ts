/**
 * spruce's few, typed errors. Every failure a user can meet is a SpruceError with a stable code,
 * a message naming the cause, and a hint naming the fix. The CLI maps codes to exit statuses
 * through EXIT_CODES, the one table scripts can rely on.
 */

export const EXIT_CODES = {
  OK: 0,
  /** A generic, unexpected failure (a bug in spruce). */
  INTERNAL: 1,
  /** The command line was wrong: unknown option, missing argument. */
  USAGE: 2,
  /** Input data or a file was malformed (CSV, JSON, board file, model file). */
  BAD_INPUT: 3,
  /** A build failed: type error, dialect violation, over budget. */
  BUILD: 4,
  /** A serial port or TCP console could not be used (missing, busy, permission). */
  PORT: 5,
  /** The board did not answer or answered wrongly (timeouts, NAK, verification mismatch). */
  DEVICE: 6,
  /** A broker or other network peer could not be reached or refused us. */
  NETWORK: 7,
  /** A limit was reached on purpose (queue full, budget exceeded at run time). */
  LIMIT: 8,
  /** Interrupted by the user (Ctrl-C). */
  INTERRUPTED: 130,
} as const;

export type ExitCodeName = keyof typeof EXIT_CODES;

export class SpruceError extends Error {
  /** A stable, machine-readable code such as `E_PORT_BUSY`. */
  readonly code: string;
  /** What the user should do about it. */
  readonly hint: string | undefined;
  /** Which exit status the CLI uses for this error. */
  readonly exit: ExitCodeName;

  constructor(code: string, message: string, options: { hint?: string; exit?: ExitCodeName; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SpruceError';
    this.code = code;
    this.hint = options.hint;
    this.exit = options.exit ?? 'INTERNAL';
  }

  toJSON(): { code: string; message: string; hint?: string } {
    return this.hint === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, hint: this.hint };
  }
}

export function isSpruceError(value: unknown): value is SpruceError {
  return value instanceof SpruceError;
}

/** Formats any thrown value for a human: message, then the hint on its own line. */
export function describeError(error: unknown): string {
  if (isSpruceError(error)) {
    return error.hint ? `error ${error.code}: ${error.message}\n  hint: ${error.hint}` : `error ${error.code}: ${error.message}`;
  }
  if (error instanceof Error) return `error: ${error.message}`;
  return `error: ${String(error)}`;
}

export function exitStatusOf(error: unknown): number {
  return isSpruceError(error) ? EXIT_CODES[error.exit] : EXIT_CODES.INTERNAL;
}

/**
 * A reason not to start that the operator can act on, said in full by its message (what is wrong
 * and what to do): the entry points print it as one line, without a stack trace.
 */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** What an entry point prints when it cannot start: a StartupError's message, else the stack. */
export function startupFailureText(error: unknown): string {
  if (error instanceof StartupError) return error.message;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** A job whose content can never be stored: every retry would fail the same way. */
export class UnprocessableJobError extends Error {
  override readonly name = 'UnprocessableJobError';
}

/**
 * Failures that say the job itself is wrong rather than the moment: its content (above), or a
 * PostgreSQL data exception (SQLSTATE class 22: a value out of range, a malformed literal), which
 * the same statement would meet again.
 */
export function isUnprocessable(error: unknown): boolean {
  if (error instanceof UnprocessableJobError) return true;
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && code.startsWith('22');
}

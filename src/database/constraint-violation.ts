import { QueryFailedError } from 'typeorm';

/**
 * Whether `error` is PostgreSQL's violation (`sqlState`: 23505 unique, 23503 foreign key) of
 * `constraint`: the database's answer to a write that a check beforehand could only race.
 */
export function isConstraintViolation(
  error: unknown,
  sqlState: string,
  constraint: string,
): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const cause = error.driverError as { code?: string; constraint?: string };
  return cause.code === sqlState && cause.constraint === constraint;
}

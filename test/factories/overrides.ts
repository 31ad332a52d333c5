/**
 * A copy of `base` with `overrides` applied, where an `undefined` override deletes the key: how
 * the factories let a test change a field, or leave it out, and show nothing else.
 */
export function withOverrides<T extends Record<string, unknown>>(
  base: T,
  overrides: Record<string, unknown>,
): T {
  const result: Record<string, unknown> = { ...base, ...overrides };
  for (const [key, value] of Object.entries(overrides)) if (value === undefined) delete result[key];
  return result as T;
}

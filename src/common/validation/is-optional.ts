import { ValidateIf } from 'class-validator';

/**
 * Optional means "may be absent": unlike class-validator's `@IsOptional()`, an explicit null is
 * still checked (and fails).
 */
export const IsOptional = () =>
  ValidateIf((_object: unknown, value: unknown) => value !== undefined);

import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { ApiError, type ValidationIssue } from './api-error';

export const MAX_VALIDATION_ISSUES = 100;

/** class-validator's error tree as a flat list, nested fields named by dotted path (`location.lat`). */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): ValidationIssue[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** The global pipe: DTOs are whitelisted, transformed, and their failures become VALIDATION_ERROR. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const issues = flattenValidationErrors(errors).slice(0, MAX_VALIDATION_ISSUES);
      return new ApiError('VALIDATION_ERROR', 'The request is invalid', issues);
    },
  });
}

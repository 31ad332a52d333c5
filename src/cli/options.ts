import type { INestApplicationContext } from '@nestjs/common';

/** What the operator CLI reads, and how its commands answer. */
export interface CommandOptions {
  [name: string]: string | boolean | undefined;
}

export interface Command {
  usage: string;
  /** Returns what to print: an object (JSON with --json) or lines of text. */
  run(
    app: INestApplicationContext,
    options: CommandOptions,
  ): Promise<{ json: unknown; text: string }>;
}

export class UsageError extends Error {}

export function required(options: CommandOptions, name: string): string {
  const value = options[name];
  if (typeof value !== 'string' || value.trim() === '')
    throw new UsageError(`--${name} is required`);
  return value.trim();
}

export function optional(options: CommandOptions, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' ? value.trim() : undefined;
}

export function positiveInteger(options: CommandOptions, name: string): number | undefined {
  const value = optional(options, name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new UsageError(`--${name} must be a whole number of at least 1 (got "${value}")`);
  }
  return Number(value);
}

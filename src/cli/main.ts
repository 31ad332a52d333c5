import 'reflect-metadata';
import { ConsoleLogger, Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { parseArgs } from 'node:util';
import { ApiError } from '../common/errors/api-error';
import { startupFailureText } from '../common/startup-error';
import { loadConfigOrExit } from '../config/load-config-or-exit';
import { prepareRuntime } from '../runtime';
import { CliModule } from './cli.module';
import { COMMANDS } from './commands';
import { UsageError, type CommandOptions } from './options';

const OPTIONS = {
  json: { type: 'boolean' },
  name: { type: 'string' },
  slug: { type: 'string' },
  tenant: { type: 'string' },
  username: { type: 'string' },
  role: { type: 'string' },
  label: { type: 'string' },
  key: { type: 'string' },
  'global-capacity': { type: 'string' },
  'global-refill': { type: 'string' },
  'imei-capacity': { type: 'string' },
  'imei-refill': { type: 'string' },
  reset: { type: 'boolean' },
  days: { type: 'string' },
  forever: { type: 'boolean' },
  default: { type: 'boolean' },
  queue: { type: 'string' },
  limit: { type: 'string' },
  id: { type: 'string' },
  all: { type: 'boolean' },
  file: { type: 'string' },
  'base-url': { type: 'string' },
  'unique-name': { type: 'string' },
} as const;

/** Logs go to stderr so that stdout carries only the command's answer (one JSON object with --json). */
class StderrLogger extends ConsoleLogger {
  protected override printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: LogLevel,
  ): void {
    super.printMessages(messages, context, logLevel, 'stderr');
  }
}

function usage(): string {
  return [
    'Usage: npm run cli -- <command> [options]',
    '',
    ...Object.values(COMMANDS).map((c) => `  ${c.usage}`),
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`${name ? `Unknown command "${name}"\n\n` : ''}${usage()}\n`);
    return 2;
  }
  let options: CommandOptions;
  try {
    options = parseArgs({ args: rest, options: OPTIONS }).values;
  } catch (error) {
    process.stderr.write(
      `error: ${(error as Error).message}\nusage: npm run cli -- ${command.usage}\n`,
    );
    return 2;
  }

  Logger.overrideLogger(new StderrLogger('fleethub', { logLevels: ['error', 'warn'] }));
  const runtime = await prepareRuntime(loadConfigOrExit());
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(runtime.config), {
    logger: new StderrLogger('fleethub', { logLevels: ['error', 'warn'] }),
  });
  try {
    const result = await command.run(app, options);
    process.stdout.write(`${options.json ? JSON.stringify(result.json) : result.text}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof ApiError) {
      process.stderr.write(`error: ${error.message}\nusage: npm run cli -- ${command.usage}\n`);
      return 1;
    }
    throw error;
  } finally {
    await app.close();
    await runtime.shutdown();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${startupFailureText(error)}\n`);
    process.exit(1);
  },
);

import { existsSync } from 'node:fs';
import { type AppConfig, loadConfig } from './app-config';
import { ConfigurationError } from './environment';

/**
 * Reads `.env` when present (real environment variables win), validates, and on a bad value stops
 * the process with one line that names the variable.
 */
export function loadConfigOrExit(): AppConfig {
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

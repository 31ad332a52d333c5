import { readFileSync } from 'node:fs';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { SimImportService } from '../wireless/sim-import.service';
import { WIRELESS_V1 } from '../wireless/wireless-paths';
import { toSimResponse } from '../wireless/wireless.mapper';
import { UsageError, optional, required, type Command, type CommandOptions } from './options';

/**
 * Where the Sims' `url` and `links` lead: the API builds them on the address a request came to;
 * a command has none, so it takes the operator's `--base-url`, else what a server on this machine
 * answers at.
 */
function baseUrl(options: CommandOptions, config: AppConfig): string {
  const given = optional(options, 'base-url');
  if (given === undefined) return `http://localhost:${config.http.port}`;
  let url: URL | undefined;
  try {
    url = new URL(given);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.pathname !== '/' || url.search) {
    throw new UsageError(
      `--base-url must be the scheme and host clients reach FleetHub at, such as https://fleet.example.com (got "${given}")`,
    );
  }
  return url.origin;
}

function readFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read --file ${path}: ${(error as Error).message}`);
  }
}

export const SIM_COMMANDS: Record<string, Command> = {
  'sim:import': {
    usage:
      'sim:import --tenant <slug> --file <sims.csv> [--base-url <https://host>] [--json]\n' +
      '      the file: a header iccid,unique_name,eid,imei,rate_plan, then one SIM a line',
    async run(app, options) {
      const tenant = required(options, 'tenant');
      const text = readFile(required(options, 'file'));
      const base = `${baseUrl(options, app.get<AppConfig>(APP_CONFIG))}${WIRELESS_V1}`;
      const imported = await app.get(SimImportService).import(tenant, text);
      const account = { accountSid: imported.tenant.accountSid };
      const count = (n: number) => `${n} Sim${n === 1 ? '' : 's'}`;
      return {
        json: imported.sims.map((sim) => toSimResponse(sim, account, base)),
        text: [
          `${count(imported.sims.length)} imported into "${tenant}": ` +
            `${imported.created} new, ${imported.updated} updated.`,
          ...imported.sims.map((sim) =>
            [sim.sid, sim.iccid, sim.status, sim.uniqueName ?? '-', sim.imei ?? '-'].join('\t'),
          ),
        ].join('\n'),
      };
    },
  },
};

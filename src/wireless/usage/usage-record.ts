import type { Period } from './usage-periods';

/** Data usage, as the spec's Data Usage Object has it (bytes; nothing is billed). */
export interface DataUsage {
  billing_units: 'USD';
  billed: number;
  total: number;
  upload: number;
  download: number;
  units: 'bytes';
}

/** Commands usage, as the spec's Commands Usage Object has it. */
export interface CommandsUsage {
  billing_units: 'USD';
  billed: number;
  total: number;
  from_sim: number;
  to_sim: number;
}

/** A UsageRecord of a Sim or of the account, but for its owner's SIDs and the dates' text. */
export interface UsageRecord {
  period: Period;
  commands: CommandsUsage & {
    home: CommandsUsage;
    national_roaming: CommandsUsage;
    international_roaming: CommandsUsage[];
  };
  data: DataUsage & {
    home: DataUsage;
    national_roaming: DataUsage;
    international_roaming: DataUsage[];
  };
}

/** What FleetHub measured in a record's period: all of it on the home network. */
export interface MeasuredUsage {
  uploadBytes: number;
  downloadBytes: number;
  commandsFromSim: number;
  commandsToSim: number;
}

export const NOTHING_MEASURED: MeasuredUsage = {
  uploadBytes: 0,
  downloadBytes: 0,
  commandsFromSim: 0,
  commandsToSim: 0,
};

const dataUsage = (upload: number, download: number): DataUsage => ({
  billing_units: 'USD',
  billed: 0,
  total: upload + download,
  upload,
  download,
  units: 'bytes',
});

const commandsUsage = (fromSim: number, toSim: number): CommandsUsage => ({
  billing_units: 'USD',
  billed: 0,
  total: fromSim + toSim,
  from_sim: fromSim,
  to_sim: toSim,
});

/**
 * The record of a period. FleetHub meters the traffic that reaches its own API, so all of it is
 * `home`; national roaming is zero and international roaming an empty list.
 */
export function usageRecord(period: Period, measured: MeasuredUsage): UsageRecord {
  const data = dataUsage(measured.uploadBytes, measured.downloadBytes);
  const commands = commandsUsage(measured.commandsFromSim, measured.commandsToSim);
  return {
    period,
    commands: {
      ...commands,
      home: { ...commands },
      national_roaming: commandsUsage(0, 0),
      international_roaming: [],
    },
    data: {
      ...data,
      home: { ...data },
      national_roaming: dataUsage(0, 0),
      international_roaming: [],
    },
  };
}

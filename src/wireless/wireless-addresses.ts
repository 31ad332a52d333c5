import { resourceAddress } from '../twilio/sid';

/** The SID prefixes of the Programmable Wireless resources. */
export const SIM_SID_PREFIX = 'DE';
export const RATE_PLAN_SID_PREFIX = 'WP';
export const COMMAND_SID_PREFIX = 'DC';
export const DATA_SESSION_SID_PREFIX = 'WN';

/** Twilio's bound on the unique name of a Sim or a RatePlan. */
export const UNIQUE_NAME_MAX_LENGTH = 64;

/** The columns that find a Sim by its SID or unique name; undefined when the value names none. */
export const simAddress = (sidOrName: string) =>
  resourceAddress(SIM_SID_PREFIX, sidOrName, UNIQUE_NAME_MAX_LENGTH);

/** The columns that find a RatePlan by its SID or unique name; undefined when it names none. */
export const ratePlanAddress = (sidOrName: string) =>
  resourceAddress(RATE_PLAN_SID_PREFIX, sidOrName, UNIQUE_NAME_MAX_LENGTH);

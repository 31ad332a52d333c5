import type { SimStatus } from './entities/sim.entity';

/**
 * How a Sim's status may change, after Twilio's "Programmable Wireless: SIM States" and the Sim
 * resource's descriptions:
 *
 * - `new` is where an imported SIM starts; "once it becomes Ready or Active, it can never return to
 *   New".
 * - `ready` and `active` connect under the Sim's rate plan, so a Sim needs one to enter them
 *   ("A Sim resource must have a Rate Plan before it can become active").
 * - `suspended` is blocked and may be activated again.
 * - `deactivated` is reached "from any status" (the `CallbackUrl` description) and moves on its
 *   own to `canceled` 72 hours later; `canceled` is final. Neither is left by a request.
 * - `updating` (a change in progress) and `scheduled` (Twilio's upstream operator not accepting
 *   changes; FleetHub has none, so it never enters it) are never requested: they are reported.
 *
 * Every change of status is asynchronous (Twilio: "changing the status of a Sim resource can take
 * some time", 202): the Sim answers `updating` and a job completes the change later.
 */
export const REQUESTABLE_STATUSES: Readonly<Record<SimStatus, readonly SimStatus[]>> = {
  new: ['ready', 'active', 'deactivated'],
  ready: ['active', 'deactivated'],
  active: ['suspended', 'deactivated'],
  suspended: ['active', 'deactivated'],
  deactivated: [],
  canceled: [],
  scheduled: [],
  updating: [],
};

/** A status change in progress: the Sim takes no other change of status or rate plan meanwhile. */
export const CHANGING_STATUSES: readonly SimStatus[] = ['updating', 'scheduled'];

/** The statuses in which a Sim connects, under its rate plan. */
export const CONNECTED_STATUSES: readonly SimStatus[] = ['ready', 'active'];

/**
 * Where a status leads on its own, and after how long: a deactivated SIM "will automatically
 * transition to Canceled" after 72 hours, and its `CallbackUrl` is called again then.
 */
export const FOLLOW_UPS: Readonly<
  Partial<Record<SimStatus, { status: SimStatus; afterMs: number }>>
> = {
  deactivated: { status: 'canceled', afterMs: 72 * 3600 * 1000 },
};

/**
 * What asking a Sim in status `from` for status `to` means: `busy` while a change is in progress
 * (even towards the same status), `unchanged` when it is there already, else a `change` the table
 * allows or an `illegal` one.
 */
export type StatusRequest = 'busy' | 'unchanged' | 'change' | 'illegal';

export function requestStatus(from: SimStatus, to: SimStatus): StatusRequest {
  if (CHANGING_STATUSES.includes(from)) return 'busy';
  if (from === to) return 'unchanged';
  return REQUESTABLE_STATUSES[from].includes(to) ? 'change' : 'illegal';
}

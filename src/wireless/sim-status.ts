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

/** What completes a Sim's pending change: its move to `status`, or the end of its connectivity reset. */
export type SimChange = { kind: 'status'; status: SimStatus } | { kind: 'reset' };

/** A completion to run, and in how long. */
export interface DueChange {
  change: SimChange;
  dueInMs: number;
}

/**
 * The completions a Sim's pending changes need, `elapsedMs` after they were set, a change taking
 * `changeMs`: the move to its target status (and then any follow-up of that status), and the end
 * of a connectivity reset. Past ones are due now.
 */
export function pendingCompletions(
  sim: { status: SimStatus; targetStatus: SimStatus | null; resetStatus: 'resetting' | null },
  changeMs: number,
  elapsedMs: number,
): DueChange[] {
  const due: DueChange[] = [];
  if (sim.resetStatus === 'resetting') due.push({ change: { kind: 'reset' }, dueInMs: changeMs });
  if (sim.targetStatus !== null) {
    // A Sim past its change and waiting for the follow-up (deactivated, to be canceled).
    const followUp = FOLLOW_UPS[sim.status];
    const changing = CHANGING_STATUSES.includes(sim.status);
    let dueInMs = changing ? changeMs : (followUp?.afterMs ?? 0);
    due.push({ change: { kind: 'status', status: sim.targetStatus }, dueInMs });
    const next = changing ? FOLLOW_UPS[sim.targetStatus] : undefined;
    if (next) {
      dueInMs += next.afterMs;
      due.push({ change: { kind: 'status', status: next.status }, dueInMs });
    }
  }
  return due.map(({ change, dueInMs }) => ({ change, dueInMs: Math.max(0, dueInMs - elapsedMs) }));
}

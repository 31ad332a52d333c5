import type { SimChange } from './sim-status';

/** The queue that completes Sims' pending changes: its name, its one job and the job's payload. */
export const SIM_STATUS_QUEUE = 'wireless-sim-status';
export const COMPLETE_CHANGE_JOB = 'complete';

export interface CompleteSimChangeJob {
  tenantId: string;
  /** The update request that asked for the change. */
  requestId: string;
  simSid: string;
  change: SimChange;
}

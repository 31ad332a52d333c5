/** The queue of to_sim Commands waiting for their transport: its name, its one job and payload. */
export const COMMAND_DELIVERY_QUEUE = 'wireless-commands';
export const DELIVER_COMMAND_JOB = 'deliver';

export interface DeliverCommandJob {
  requestId: string;
  tenantId: string;
  commandSid: string;
}

import type { UpdateStatus } from '../entities/device.entity';

/** What a Device says at check-in about the App it runs. */
export interface AppReport {
  /** The App it runs; null when it runs none, as after a failed update. */
  reportedAppSid: string | null;
  /** 0, or why its last update failed. */
  updateErrorCode: number;
}

/**
 * Where a Device's update stands once it has reported: `error` when it reports a failure,
 * `up-to-date` when it runs its target (or has none to run), `pending` while it runs another.
 */
export function updateStatusAfter(targetAppSid: string | null, report: AppReport): UpdateStatus {
  if (report.updateErrorCode !== 0) return 'error';
  if (targetAppSid === null || report.reportedAppSid === targetAppSid) return 'up-to-date';
  return 'pending';
}

/** The telemetry queue: its name, its one job and the job's payload. */
export const TELEMETRY_QUEUE = 'telemetry';
export const INGEST_JOB = 'ingest';

export interface IngestTelemetryJob {
  tenantId: string;
  requestId: string;
  /** When the API accepted the batch (ISO 8601). */
  receivedAt: string;
  /**
   * The validated request body exactly as received (a JSON array of points): it travels as a
   * string so the API never re-serialises it.
   */
  points: string;
}

import { Inject, Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { errorCodeOf } from '../common/errors/api-exception.filter';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

/** The ingestion routes whose answers are counted. */
type IngestRoute = 'telemetry' | 'northbound';

export type JobOutcome = 'completed' | 'failed';

/** Accepted answers carry no reason: only a rejection has one. */
const ACCEPTED = { outcome: 'accepted' } as const;

/** Rows new to the database (replays and duplicates count zero). */
export interface RowsWritten {
  positions: number;
  events: number;
  messages?: number;
}

/**
 * The process's Prometheus registry and the metrics the application feeds. Label values come from
 * small fixed sets (routes, error codes, queue names, tables): never a tenant, IMEI or URL, which
 * would grow a series per value.
 *
 * The ingestion routes are counted from the HTTP middleware when the answer is sent, so the hot
 * path carries no metrics code and every refusal is counted, including those answered before the
 * route runs (malformed JSON, too large a body) or by a guard (credentials, token buckets).
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  private readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  private readonly telemetryBatches = new Counter({
    name: 'fleethub_telemetry_batches_total',
    help: 'Telemetry batches (POST /apidev/v1/telemetry) accepted, or rejected by reason (the error code answered, lower case)',
    labelNames: ['outcome', 'reason'] as const,
    registers: [this.registry],
  });

  private readonly telemetryPoints = new Counter({
    name: 'fleethub_telemetry_points_total',
    help: 'Points of telemetry batches accepted, or rejected by reason (a body that is not a JSON array counts none)',
    labelNames: ['outcome', 'reason'] as const,
    registers: [this.registry],
  });

  private readonly northboundMessages = new Counter({
    name: 'fleethub_northbound_messages_total',
    help: 'Asset Tracker messages (POST /data) accepted, or rejected by reason (the error code answered, lower case)',
    labelNames: ['outcome', 'reason'] as const,
    registers: [this.registry],
  });

  private readonly rateLimitRejections = new Counter({
    name: 'fleethub_rate_limit_rejections_total',
    help: 'Telemetry batches refused by a token bucket, by bucket kind (global: per user; imei)',
    labelNames: ['bucket'] as const,
    registers: [this.registry],
  });

  private readonly jobDuration = new Histogram({
    name: 'fleethub_queue_job_duration_seconds',
    help: 'Jobs handled by this worker, from taking the job to storing it or failing, by queue and outcome',
    labelNames: ['queue', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  private readonly rows = new Counter({
    name: 'fleethub_rows_written_total',
    help: 'Rows stored by ingestion, new to the database (replays count zero), by table',
    labelNames: ['table'] as const,
    registers: [this.registry],
  });

  /** Ingestion routes by the path they are served at (see the controllers and NORTHBOUND_BASE_PATH). */
  private readonly ingestRoutes: ReadonlyMap<string, IngestRoute>;

  /** What each route counts: a telemetry request is a batch, a northbound one a message. */
  private readonly answers: Record<IngestRoute, Counter<'outcome' | 'reason'>> = {
    telemetry: this.telemetryBatches,
    northbound: this.northboundMessages,
  };

  /** Bound once: the hot path increments without building a label key. */
  private readonly accepted: Record<IngestRoute, Counter.Internal> = {
    telemetry: this.telemetryBatches.labels(ACCEPTED),
    northbound: this.northboundMessages.labels(ACCEPTED),
  };
  private readonly pointsAccepted = this.telemetryPoints.labels(ACCEPTED);

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    collectDefaultMetrics({ register: this.registry });
    this.ingestRoutes = new Map<string, IngestRoute>([
      ['/apidev/v1/telemetry', 'telemetry'],
      [`${config.northbound.basePath}/data`, 'northbound'],
    ]);
    // The fixed series exist from the start, at 0, so that rates are right from the first increment.
    for (const accepted of [...Object.values(this.accepted), this.pointsAccepted]) accepted.inc(0);
    for (const table of ['positions', 'device_events', 'tracker_messages']) {
      this.rows.labels(table).inc(0);
    }
    for (const bucket of ['global', 'imei']) this.rateLimitRejections.labels(bucket).inc(0);
  }

  /** Express middleware: times every request; labels it by route pattern, never by raw URL. */
  readonly httpMiddleware = (request: Request, response: Response, next: NextFunction): void => {
    const stop = this.httpDuration.startTimer();
    response.once('finish', () => {
      const pattern = (request.route as { path?: string } | undefined)?.path;
      const route = pattern ? `${request.baseUrl}${pattern}` : 'unmatched';
      stop({ method: request.method, route, status_code: response.statusCode });
      // A request refused before routing (its body) has no pattern: its path names the route.
      if (request.method === 'POST')
        this.countIngestion(pattern ? route : request.path, request, response);
    });
    next();
  };

  /** A telemetry request refused by a token bucket: `global` (the user's) or `imei`. */
  bucketRejected(bucket: 'global' | 'imei'): void {
    this.rateLimitRejections.labels(bucket).inc();
  }

  /** Rows a committed ingestion write stored. */
  rowsWritten({ positions, events, messages = 0 }: RowsWritten): void {
    this.rows.labels('positions').inc(positions);
    this.rows.labels('device_events').inc(events);
    this.rows.labels('tracker_messages').inc(messages);
  }

  /** Starts timing a job a worker took; call the result with the job's outcome. */
  timeJob(queue: string): (outcome: JobOutcome) => void {
    const stop = this.jobDuration.startTimer({ queue });
    return (outcome) => stop({ outcome });
  }

  private countIngestion(path: string, request: Request, response: Response): void {
    const route = this.ingestRoutes.get(path);
    if (!route) return;
    // A telemetry batch is accepted or refused whole: its points are the body's array.
    const body: unknown = request.body;
    const points = route === 'telemetry' && Array.isArray(body) ? body.length : 0;
    if (response.statusCode === 200) {
      this.accepted[route].inc();
      if (points > 0) this.pointsAccepted.inc(points);
      return;
    }
    const rejected = {
      outcome: 'rejected',
      reason: errorCodeOf(response)?.toLowerCase() ?? 'unknown',
    };
    this.answers[route].labels(rejected).inc();
    if (points > 0) this.telemetryPoints.labels(rejected).inc(points);
  }
}

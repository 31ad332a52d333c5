import { Inject, Injectable } from '@nestjs/common';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { ApiError, type ValidationIssue } from '../common/errors/api-error';
import { MAX_VALIDATION_ISSUES } from '../common/errors/validation';
import { PRINTABLE_TEXT, PRINTABLE_TEXT_MESSAGE } from '../common/validation/storable-text';
import { APP_CONFIG, type AppConfig, type DeviceTimeWindow } from '../config/app-config';
import { EVENT_CODE_LIST } from './event-codes';
import { TELEMETRY_POINT_SCHEMA, type TelemetryPoint } from './telemetry-point.schema';
import { datetimeProblem, isCoordinate, isNonNegativeDecimal } from './telemetry-point.rules';

type SemanticRule = (value: string, now: number) => string | undefined;

/** The string fields whose content the JSON schema cannot judge, and how to judge them. */
const semanticRules = (window: DeviceTimeWindow): [keyof TelemetryPoint, SemanticRule][] => [
  ['datetime', (v, now) => datetimeProblem(v, now, window)],
  [
    'latitude',
    (v) => (isCoordinate(v, 90) ? undefined : 'must be a decimal number from -90 to 90'),
  ],
  [
    'longitude',
    (v) => (isCoordinate(v, 180) ? undefined : 'must be a decimal number from -180 to 180'),
  ],
  [
    'accuracy',
    (v) => (isNonNegativeDecimal(v) ? undefined : 'must be a non-negative decimal number'),
  ],
  [
    'odometer',
    (v) => (isNonNegativeDecimal(v) ? undefined : 'must be a non-negative decimal number'),
  ],
];

function describe(error: ErrorObject): ValidationIssue {
  const [, index, field] = error.instancePath.split('/');
  const issue = (name: string | undefined, message: string): ValidationIssue => ({
    index: Number(index),
    ...(name === undefined ? {} : { field: name }),
    message,
  });
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return issue(String(params.missingProperty), 'is required');
    case 'additionalProperties':
      return issue(String(params.additionalProperty), 'is not a field of a telemetry point');
    case 'type':
      return field === undefined
        ? issue(undefined, 'each point must be a JSON object')
        : issue(
            field,
            `must be ${params.type === 'integer' ? 'an integer' : `a ${String(params.type)}`}`,
          );
    case 'enum':
      return issue(field, `must be one of the event codes ${EVENT_CODE_LIST.join(', ')}`);
    case 'maxLength':
      return issue(field, `must be at most ${String(params.limit)} characters`);
    case 'minLength':
      return issue(field, 'must not be empty');
    case 'pattern':
      return issue(
        field,
        params.pattern === PRINTABLE_TEXT.source
          ? PRINTABLE_TEXT_MESSAGE
          : 'must not contain NUL characters or unpaired surrogates',
      );
    case 'minimum':
    case 'maximum':
      return issue(field, `must be ${String(params.comparison)} ${String(params.limit)}`);
    default:
      return issue(field, error.message ?? 'is invalid');
  }
}

/**
 * The hot-path check of a telemetry batch: a compiled JSON schema plus the rules of
 * `telemetry-point.rules.ts`. The whole batch is accepted or rejected; on rejection every
 * failing point and field is named (up to 100 of them).
 */
@Injectable()
export class TelemetryBatchValidator {
  /** Stops at the first error: the price paid by every valid batch. */
  private readonly isValidShape: ValidateFunction;
  /** Collects every error: run only to explain a rejection. */
  private readonly explainShape: ValidateFunction;
  private readonly maxPoints: number;
  private readonly semanticRules: [keyof TelemetryPoint, SemanticRule][];

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const schema = { type: 'array', items: TELEMETRY_POINT_SCHEMA };
    this.isValidShape = new Ajv({ allErrors: false }).compile(schema);
    this.explainShape = new Ajv({ allErrors: true }).compile(schema);
    this.maxPoints = config.telemetry.maxPoints;
    this.semanticRules = semanticRules(config.deviceTime);
  }

  validate(body: unknown, now: number): TelemetryPoint[] {
    if (!Array.isArray(body)) {
      throw new ApiError('VALIDATION_ERROR', 'The body must be a JSON array of telemetry points');
    }
    if (body.length === 0) {
      throw new ApiError('VALIDATION_ERROR', 'The batch must contain at least one point');
    }
    if (body.length > this.maxPoints) {
      throw new ApiError(
        'VALIDATION_ERROR',
        `A batch holds at most ${this.maxPoints} points (got ${body.length})`,
      );
    }
    const shapeValid = this.isValidShape(body);
    const issues = shapeValid
      ? this.semanticIssues(body as TelemetryPoint[], now)
      : this.explain(body, now);
    if (issues.length > 0) {
      const failing = new Set(issues.map((issue) => issue.index)).size;
      throw new ApiError(
        'VALIDATION_ERROR',
        `${failing} of ${body.length} points are invalid; the batch was not accepted`,
        issues.slice(0, MAX_VALIDATION_ISSUES),
      );
    }
    return body as TelemetryPoint[];
  }

  private semanticIssues(
    points: TelemetryPoint[],
    now: number,
    skip?: Set<string>,
  ): ValidationIssue[] {
    const issues: ValidationIssue[] = [];
    for (let index = 0; index < points.length; index++) {
      const point = points[index];
      for (const [field, rule] of this.semanticRules) {
        const value = point[field];
        if (typeof value !== 'string' || skip?.has(`${index}/${field}`)) continue;
        const message = rule(value, now);
        if (message) issues.push({ index, field, message });
      }
    }
    return issues;
  }

  private explain(body: unknown[], now: number): ValidationIssue[] {
    this.explainShape(body);
    const shapeIssues = (this.explainShape.errors ?? []).map(describe);
    const reported = new Set(shapeIssues.map((issue) => `${issue.index}/${issue.field ?? ''}`));
    const objects = body.map((point) => (typeof point === 'object' && point !== null ? point : {}));
    const issues = [
      ...shapeIssues,
      ...this.semanticIssues(objects as TelemetryPoint[], now, reported),
    ];
    return issues.sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  }
}

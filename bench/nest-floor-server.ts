import 'reflect-metadata';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Module,
  Post,
  Req,
  type RawBodyRequest,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import Bull from 'bull';
import type { Request } from 'express';
import Redis from 'ioredis';
import { sha256 } from '../src/auth/secrets';
import { loadConfig } from '../src/config/app-config';
import { DURABLE_JOB_OPTIONS } from '../src/queue/queue.producer';
import { RedisBucketStore } from '../src/rate-limit/redis-bucket.store';
import { telemetryCost } from '../src/rate-limit/telemetry-cost';
import { TelemetryBatchValidator } from '../src/telemetry/telemetry-batch.validator';
import { INGEST_JOB, TELEMETRY_QUEUE } from '../src/telemetry/telemetry.queue';

/**
 * A reference point of the ingest benchmark, not a baseline to beat: the least a NestJS (Express)
 * application does for the same requests. It parses the JSON body, keeps the raw one, answers the
 * same envelope and, with a Redis URL, adds one Bull job of FleetHub's shape and options per
 * request; no authentication, rate limit, validation, logging or metrics. What FleetHub does on
 * top of these two floors is what its own figure pays for.
 *
 * With `required`, a third floor: before the add, also the per-request work the telemetry contract
 * makes unavoidable, each the cheapest way FleetHub's own code does it (see `requiredWork`). What
 * FleetHub spends beyond this one goes to what the contract does not demand: logging, metrics,
 * metering, request ids, and how its work is wired into Nest.
 *
 * Usage: nest-floor-server.ts <port> [<redis url> <queue prefix> [required]]
 */
const [port, redisUrl, prefix, mode] = process.argv.slice(2);
const queue = redisUrl ? new Bull(TELEMETRY_QUEUE, redisUrl, { prefix }) : undefined;
/** The floor serves one client, the benchmark's: one tenant, whose user is whoever it remembers. */
const TENANT_ID = '00000000-0000-0000-0000-000000000000';

/**
 * The checks FleetHub must make of every telemetry request, as its hot path makes them once warm:
 * credentials by the digest of their three headers looked up in memory (ApiAuthGuard; the first
 * request of a digest stands for a verification, which FleetHub too pays only once), the user's
 * and each IMEI's token bucket charged in one Redis script before validation (TelemetryRateLimiter,
 * buckets of their own under the queue prefix, too large to refuse), and the compiled validation
 * of the batch with the device-time window of FleetHub's defaults. The accepted points.
 */
function requiredWork(redis: string, keyPrefix: string): (request: Request) => Promise<unknown[]> {
  const config = loadConfig({});
  const validator = new TelemetryBatchValidator(config);
  const buckets = new RedisBucketStore(new Redis(redis));
  const limits = { capacity: 1e9, refillPerSecond: 1e9 };
  const tag = `${keyPrefix}:rl:{${TENANT_ID}}`;
  const users = new Map<string, string>();
  return async (request) => {
    const credentials = sha256(
      ['Authorization', 'X-API-Key', 'tenant'].map((name) => request.header(name)).join('\n'),
    ).toString('base64');
    let user = users.get(credentials);
    if (user === undefined) users.set(credentials, (user = String(users.size + 1)));
    const body = request.body as unknown;
    const cost = telemetryCost(body, config.telemetry.maxPoints);
    const { allowed } = await buckets.take([
      { key: `${tag}:user:${user}`, ...limits, cost: cost.global },
      ...[...cost.imeis].map(([imei, tokens]) => ({
        key: `${tag}:imei:${imei}`,
        ...limits,
        cost: tokens,
      })),
    ]);
    // A refusal would make the floor's figure that of less work: fail the request visibly.
    if (!allowed) throw new Error('a token bucket refused a request of the required-work floor');
    return validator.validate(body, Date.now());
  };
}

const required = mode === 'required' ? requiredWork(redisUrl, prefix) : undefined;

@Controller()
class FloorController {
  /** Answers once listening, for the benchmark's wait. */
  @Get()
  live(): string {
    return 'ok';
  }

  @Post()
  @HttpCode(200)
  async ingest(@Req() request: RawBodyRequest<Request>, @Body() body: unknown[]) {
    const points = required ? await required(request) : body;
    await queue?.add(
      INGEST_JOB,
      {
        tenantId: TENANT_ID,
        requestId: '00000000-0000-0000-0000-000000000000',
        receivedAt: new Date().toISOString(),
        points: request.rawBody?.toString('utf8'),
      },
      DURABLE_JOB_OPTIONS,
    );
    return {
      success: true,
      data: { accepted: points.length, rejected: 0, status: 'OK' },
      meta: {},
    };
  }
}

@Module({ controllers: [FloorController] })
class FloorModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(FloorModule, {
    logger: false,
    rawBody: true,
  });
  app.set('etag', false);
  await app.listen(Number(port), '127.0.0.1');
  process.on('SIGTERM', () => {
    void Promise.all([app.close(), queue?.close()]).then(() => process.exit(0));
  });
}

void main();

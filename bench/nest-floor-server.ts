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
import { DURABLE_JOB_OPTIONS } from '../src/queue/queue.producer';

/**
 * A reference point of the ingest benchmark, not a baseline to beat: the least a NestJS (Express)
 * application does for the same requests. It parses the JSON body, keeps the raw one, answers the
 * same envelope and, with a Redis URL, adds one Bull job of FleetHub's shape and options per
 * request; no authentication, rate limit, validation, logging or metrics. What FleetHub does on
 * top of these two floors is what its own figure pays for.
 *
 * Usage: nest-floor-server.ts <port> [<redis url> <queue prefix>]
 */
const [port, redisUrl, prefix] = process.argv.slice(2);
const queue = redisUrl ? new Bull('telemetry', redisUrl, { prefix }) : undefined;

@Controller()
class FloorController {
  /** Answers once listening, for the benchmark's wait. */
  @Get()
  live(): string {
    return 'ok';
  }

  @Post()
  @HttpCode(200)
  async ingest(@Req() request: RawBodyRequest<Request>, @Body() points: unknown[]) {
    await queue?.add(
      'ingest',
      {
        tenantId: '00000000-0000-0000-0000-000000000000',
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

import { Controller, Get, Optional, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheckService,
  TypeOrmHealthIndicator,
  type HealthCheckResult,
} from '@nestjs/terminus';
import type { Response } from 'express';
import { QueueBacklogHealthIndicator } from './queue-backlog.health';
import { RedisHealthIndicator } from './redis.health';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    @Optional() private readonly redis?: RedisHealthIndicator,
    @Optional() private readonly queue?: QueueBacklogHealthIndicator,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process is up and serving' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({
    summary:
      'Readiness: PostgreSQL and (when used) Redis answer, and the queue backlog is under ' +
      'READY_MAX_QUEUE_WAITING / READY_MAX_QUEUE_AGE_SECONDS; 503 naming the failing check otherwise',
  })
  async ready(@Res({ passthrough: true }) response: Response): Promise<HealthCheckResult> {
    const checks = [() => this.database.pingCheck('database', { timeout: 1500 })];
    const { redis, queue } = this;
    if (redis) checks.push(() => redis.isHealthy('redis'));
    if (queue?.enabled) checks.push(() => queue.isHealthy('queue'));
    try {
      return await this.health.check(checks);
    } catch (error) {
      // Terminus reports a failed check as a 503 carrying the full report: pass the report on.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      response.status(503);
      return error.getResponse() as HealthCheckResult;
    }
  }
}

import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import {
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { ApiAuthLimitedBy, CurrentPrincipal } from '../auth/decorators';
import type { ApiPrincipal } from '../auth/principal';
import { Roles } from '../auth/roles';
import { ok, type ApiResponse } from '../common/http/envelope';
import type { RequestWithJsonBody } from '../common/http/json-body.guard';
import { requestIdOf } from '../common/http/request-id';
import { TrafficMeter } from '../metering/traffic-meter';
import { TelemetryThrottlerGuard } from '../rate-limit/telemetry-throttler.guard';
import { TelemetryAcceptedDto, TelemetryPointDto } from './dto/telemetry-point.dto';
import { TelemetryIntakeService } from './telemetry-intake.service';

@ApiTags('telemetry')
@Controller('apidev/v1/telemetry')
export class TelemetryController {
  constructor(
    private readonly telemetry: TelemetryIntakeService,
    private readonly meter: TrafficMeter,
  ) {}

  @Post()
  @HttpCode(200)
  // Auth, then the body, then the token buckets (in place of the plain per-tenant request limit
  // of the other routes), then (in the service) validation: invalid batches pay too.
  @ApiAuthLimitedBy(TelemetryThrottlerGuard)
  // What trackers and gateways (device users) are for.
  @Roles('admin', 'device')
  @ApiOperation({
    summary: 'Ingest a batch of telemetry points',
    description:
      'Validates the whole batch (accepted or rejected whole), queues it and answers; points become ' +
      'queryable shortly after. Rate limited by two token buckets, per user (180 tokens, 30/s) and ' +
      'per IMEI (90 tokens, 15/s), each charged ceil(points / 20) tokens; every answer carries ' +
      'X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset for the user bucket.',
  })
  @ApiBody({ type: [TelemetryPointDto] })
  @ApiOkResponse({ type: TelemetryAcceptedDto })
  @ApiTooManyRequestsResponse({
    description: 'A token bucket lacks the tokens (nothing was taken); see Retry-After',
  })
  async ingest(
    @CurrentPrincipal() principal: ApiPrincipal,
    @Req() request: RequestWithJsonBody,
  ): Promise<ApiResponse<TelemetryAcceptedDto>> {
    const points = await this.telemetry.accept(principal, {
      body: request.body as unknown,
      raw: request.bodyText,
      requestId: requestIdOf(request),
      receivedAt: Date.now(),
    });
    this.meter.countExchange(
      request,
      principal.tenantId,
      points.map((point) => point.imei),
    );
    return ok({ accepted: points.length, rejected: 0, status: 'OK' });
  }
}

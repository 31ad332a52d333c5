import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentTenant, NorthboundAuth } from '../auth/decorators';
import type { TenantPrincipal } from '../auth/principal';
import { ok, type ApiResponse } from '../common/http/envelope';
import { requestIdOf } from '../common/http/request-id';
import { TrafficMeter } from '../metering/traffic-meter';
import { TrackerMessageAcceptedDto, TrackerMessageDto } from './dto/tracker-message.dto';
import { NorthboundIntakeService } from './northbound-intake.service';

/** Mounted under NORTHBOUND_BASE_PATH (see NorthboundModule). */
@ApiTags('northbound')
@Controller('data')
export class NorthboundController {
  constructor(
    private readonly northbound: NorthboundIntakeService,
    private readonly meter: TrafficMeter,
  ) {}

  @Post()
  @HttpCode(200)
  // No request limit (see NorthboundAuth).
  @NorthboundAuth()
  @ApiOperation({
    summary: 'Receive one Programmable Asset Tracker message',
    description:
      'Answers 200 once the message is durably queued (embedded: stored). Refused (4xx) only when ' +
      'it cannot be stored at all: bad credentials, not a JSON object, no usable trackerId. ' +
      'Impossible values of known keys are dropped and listed in `warnings`; unknown keys are kept.',
  })
  @ApiBody({ type: TrackerMessageDto })
  @ApiOkResponse({ type: TrackerMessageAcceptedDto })
  @ApiBadRequestResponse({ description: 'Not a JSON object, or no usable trackerId' })
  @ApiUnauthorizedResponse({ description: 'Bad, revoked or missing northbound credentials' })
  @ApiServiceUnavailableResponse({ description: 'The queue (Redis) or database is unavailable' })
  async receive(
    @CurrentTenant() tenant: TenantPrincipal,
    @Req() request: Request,
  ): Promise<ApiResponse<TrackerMessageAcceptedDto>> {
    const { trackerId, warnings } = await this.northbound.accept(tenant, {
      body: request.body as unknown,
      requestId: requestIdOf(request),
      receivedAt: Date.now(),
    });
    this.meter.countExchange(request, tenant.tenantId, [trackerId]);
    return ok({ status: 'OK', warnings });
  }
}

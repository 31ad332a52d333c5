import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { devicePayload } from './command-body';
import type { DeliverCommandJob } from './command-delivery.queue';
import { findCommandOnSim } from './command-on-sim';
import { CommandStatusService } from './command-status.service';
import { CommandTransport } from './transports/command-transport';

/**
 * Sends a queued to_sim Command through the configured transport: `sent` once it has left
 * FleetHub, `delivered` when the transport itself confirms it and a receipt was requested (the
 * HTTP gateway's receipts come later, through its inbound route), `failed` once it is given up.
 *
 * At least once: an attempt that fails after the Command left (no PUBACK in time) sends it again,
 * so a device may receive a Command twice (IncludeSid lets it tell).
 */
@Injectable()
export class CommandDeliveryService {
  private readonly logger = new Logger(CommandDeliveryService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transport: CommandTransport,
    private readonly status: CommandStatusService,
  ) {}

  async deliver(job: DeliverCommandJob): Promise<void> {
    const found = await findCommandOnSim(this.dataSource.manager, job.tenantId, job.commandSid);
    // Deleted since, or delivered or failed already: nothing is left to send.
    if (!found || !['queued', 'sent'].includes(found.command.status)) return;
    const { command, sim, accountSid } = found;
    const outcome = await this.transport.send(
      {
        sid: command.sid,
        accountSid,
        simSid: sim.sid,
        iccid: sim.iccid,
        commandMode: command.commandMode,
        payload: devicePayload(command),
        deliveryReceiptRequested: command.deliveryReceiptRequested,
      },
      async () => {
        await this.status.move(job, 'sent');
      },
    );
    if (outcome === 'acknowledged' && command.deliveryReceiptRequested) {
      await this.status.move(job, 'delivered');
    }
  }

  async giveUp(job: DeliverCommandJob, error: Error): Promise<void> {
    this.logger.warn(`Command ${job.commandSid} given up: ${error.message}`);
    await this.status.move(job, 'failed');
  }

  /** Without a queue (the embedded default): one attempt, and a Command that fails is failed. */
  async deliverOnce(job: DeliverCommandJob): Promise<void> {
    await this.deliver(job).catch((error: Error) => this.giveUp(job, error));
  }
}

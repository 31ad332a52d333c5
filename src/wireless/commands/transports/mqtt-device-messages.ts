import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { IPublishPacket } from 'mqtt';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../../../config/app-config';
import { withTimeout } from '../../../common/with-timeout';
import { DeviceCommandsService } from '../device-commands.service';
import { MqttConnection } from './mqtt-connection';

const SUBSCRIBE_TIMEOUT_MS = 5000;
const DEVICE_TOPIC = /^sims\/([^/]+)\/commands\/from$/;

/**
 * Device-originated Commands over MQTT: every message on `sims/<iccid>/commands/from` becomes a
 * from_sim Command (DeviceCommandsService). Several worker processes share the topic through an
 * MQTT 5 shared subscription (`$share/<QUEUE_PREFIX>/...`): the broker hands each message to one
 * of them. The broker's QoS 1 message is acknowledged once the Command is stored. One that cannot
 * be stored (the database unreachable) is logged and left unacknowledged; with FleetHub's clean
 * session the broker does not send it again: it is lost.
 */
@Injectable()
export class MqttDeviceMessages implements OnApplicationBootstrap {
  private readonly logger = new Logger(MqttDeviceMessages.name);
  private readonly subscription: string;

  constructor(
    private readonly connection: MqttConnection,
    private readonly deviceCommands: DeviceCommandsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const transport = config.commands.transport;
    if (transport?.kind !== 'mqtt')
      throw new Error('unreachable: MQTT is not the Commands transport');
    this.subscription = `$share/${transport.shareGroup}/sims/+/commands/from`;
  }

  /** Subscribed before the process serves, unless the broker is down (the client subscribes once it is up). */
  async onApplicationBootstrap(): Promise<void> {
    const client = this.connection.client;
    // Acknowledged by this handler, once the message is stored (see the class comment).
    client.handleMessage = (packet, done) => {
      this.handle(packet).then(
        () => done(),
        (error: Error) => {
          this.logger.error(`A message on ${packet.topic} could not be stored: ${error.message}`);
          done(error);
        },
      );
    };
    await withTimeout(
      client.subscribeAsync(this.subscription, { qos: 1 }),
      SUBSCRIBE_TIMEOUT_MS,
      `Subscribing to ${this.subscription}`,
    ).catch((error: unknown) => this.logger.warn(String(error)));
  }

  private async handle(packet: IPublishPacket): Promise<void> {
    const iccid = DEVICE_TOPIC.exec(packet.topic)?.[1];
    if (iccid === undefined) return;
    const payload =
      typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const outcome = await this.deviceCommands.receive({ iccid, payload, requestId: randomUUID() });
    if (outcome.kind === 'unknown-sim') {
      this.logger.warn(`A message on ${packet.topic} names no Sim: dropped`);
    } else if (outcome.kind === 'messaging-not-allowed') {
      this.logger.warn(
        `A message on ${packet.topic} comes from a Sim that may not send Commands (${outcome.simStatus}): dropped (Twilio's 33203)`,
      );
    }
  }
}

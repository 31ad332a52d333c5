import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { connect, type MqttClient } from 'mqtt';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../../../config/app-config';
import { withTimeout } from '../../../common/with-timeout';

/** How long start-up waits for the broker: one that is down does not hold the process back. */
const FIRST_CONNECT_TIMEOUT_MS = 5000;

/**
 * This process's connection to the Commands broker (MQTT 5, for shared subscriptions), kept up by
 * the client's reconnects. A clean session: what the broker holds for FleetHub is the shared
 * subscription, not the process.
 */
@Injectable()
export class MqttConnection implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(MqttConnection.name);
  private readonly url: string;
  private mqttClient?: MqttClient;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const transport = config.commands.transport;
    if (transport?.kind !== 'mqtt')
      throw new Error('unreachable: MQTT is not the Commands transport');
    this.url = transport.url;
  }

  get client(): MqttClient {
    if (!this.mqttClient)
      throw new Error('unreachable: the MQTT connection is used before start-up');
    return this.mqttClient;
  }

  async onModuleInit(): Promise<void> {
    const client = connect(this.url, {
      protocolVersion: 5,
      clientId: `fleethub-${randomBytes(8).toString('hex')}`,
      clean: true,
      reconnectPeriod: 1000,
      connectTimeout: FIRST_CONNECT_TIMEOUT_MS,
    });
    this.mqttClient = client;
    let lastError = '';
    client.on('connect', () => {
      lastError = '';
      this.logger.log('Connected to the Commands MQTT broker');
    });
    client.on('offline', () => this.logger.warn('The Commands MQTT broker is unreachable'));
    // Every reconnect fails the same way while the broker is down: said once.
    client.on('error', (error) => {
      if (error.message !== lastError) this.logger.warn(`Commands MQTT broker: ${error.message}`);
      lastError = error.message;
    });
    await withTimeout(
      new Promise((resolve) => client.once('connect', resolve)),
      FIRST_CONNECT_TIMEOUT_MS,
      'Connecting to the Commands MQTT broker',
    ).catch((error: unknown) => this.logger.warn(`${String(error)}; retrying in the background`));
  }

  /** After the queue's drain (beforeApplicationShutdown): nothing in flight is left to wait for. */
  async onApplicationShutdown(): Promise<void> {
    await this.mqttClient?.endAsync(true);
  }
}

import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { BullModule } from '@nestjs/bull';
import { JsonBodyGuard } from '../../common/http/json-body.guard';
import type { AppConfig } from '../../config/app-config';
import { CommandCallbacks } from './command-callbacks';
import { CommandDeliveryProcessor } from './command-delivery.processor';
import { CommandDeliveryProducer } from './command-delivery.producer';
import { COMMAND_DELIVERY_QUEUE } from './command-delivery.queue';
import { CommandDeliveryService } from './command-delivery.service';
import { CommandStatusService } from './command-status.service';
import { CommandsController } from './commands.controller';
import { CommandsService } from './commands.service';
import { DeviceCommandsService } from './device-commands.service';
import { GatewaySignatureGuard } from './gateway/gateway-signature.guard';
import { GatewayController } from './gateway/gateway.controller';
import { CommandTransport } from './transports/command-transport';
import { HttpGatewayTransport } from './transports/http-gateway.transport';
import { MqttConnection } from './transports/mqtt-connection';
import { MqttDeviceMessages } from './transports/mqtt-device-messages';
import { MqttTransport } from './transports/mqtt.transport';

/**
 * Wireless Commands: the API's routes, the delivery of to_sim Commands through the configured
 * transport, and the device-originated ones it brings back.
 *
 * Who does what: API processes create Commands and queue them (and serve the HTTP gateway's
 * inbound routes); workers deliver them and, with MQTT, read the device-originated topic. Without
 * Redis, the process that creates a Command delivers it before answering. Without a transport,
 * Commands are created and stay `queued`.
 */
@Module({})
export class CommandsModule {
  static forRoot(config: AppConfig): DynamicModule {
    const transport = config.commands.transport;
    const queued = Boolean(config.redis.url);
    const serves = config.role !== 'worker';
    const works = config.role !== 'api';
    const delivers = transport !== undefined && (queued ? works : serves);
    const mqtt = transport?.kind === 'mqtt';
    const gateway = transport?.kind === 'http-gateway';
    // The one place the transport is chosen.
    const transportProviders: Provider[] = mqtt
      ? [MqttTransport, { provide: CommandTransport, useExisting: MqttTransport }]
      : [HttpGatewayTransport, { provide: CommandTransport, useExisting: HttpGatewayTransport }];
    return {
      module: CommandsModule,
      imports:
        transport && queued ? [BullModule.registerQueue({ name: COMMAND_DELIVERY_QUEUE })] : [],
      controllers: [
        ...(serves ? [CommandsController] : []),
        ...(serves && gateway ? [GatewayController] : []),
      ],
      providers: [
        CommandCallbacks,
        CommandStatusService,
        CommandsService,
        DeviceCommandsService,
        ...(transport ? [CommandDeliveryProducer] : []),
        ...(delivers ? [CommandDeliveryService, ...transportProviders] : []),
        ...(delivers && queued ? [CommandDeliveryProcessor] : []),
        ...(mqtt && (delivers || works) ? [MqttConnection] : []),
        ...(mqtt && works ? [MqttDeviceMessages] : []),
        ...(serves && gateway ? [JsonBodyGuard, GatewaySignatureGuard] : []),
      ],
    };
  }
}

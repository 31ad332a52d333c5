import { Injectable } from '@nestjs/common';
import { withTimeout } from '../../../common/with-timeout';
import { CommandTransport, type OutgoingCommand, type SendOutcome } from './command-transport';
import { MqttConnection } from './mqtt-connection';

/** A broker that has not acknowledged by then is taken as not having the Command. */
const PUBACK_TIMEOUT_MS = 10_000;

/** The topic a SIM's device subscribes to for its Commands. */
export const commandTopic = (iccid: string): string => `sims/${iccid}/commands`;

/**
 * Publishes each Command at QoS 1 to its SIM's topic, the payload being exactly what the device
 * receives. `sent` once the PUBLISH is written to the broker's connection; `acknowledged` at the
 * broker's PUBACK. Only while connected: the client's own offline store would hold the Command in
 * this process's memory, where the queue could not see it.
 */
@Injectable()
export class MqttTransport extends CommandTransport {
  constructor(private readonly connection: MqttConnection) {
    super();
  }

  async send(command: OutgoingCommand, sent: () => Promise<void>): Promise<SendOutcome> {
    const client = this.connection.client;
    if (!client.connected) throw new Error('The Commands MQTT broker is not connected');
    // While connected the client writes the PUBLISH before returning; the promise is the PUBACK.
    const acknowledged = withTimeout(
      client.publishAsync(commandTopic(command.iccid), command.payload, { qos: 1 }),
      PUBACK_TIMEOUT_MS,
      `Publishing Command ${command.sid}`,
    );
    await Promise.all([sent(), acknowledged]);
    return 'acknowledged';
  }
}

import { connectAsync, type MqttClient } from 'mqtt';

/** The broker of the Commands suites: COMMANDS_MQTT_URL, else a local Mosquitto. */
export const testBrokerUrl = (): string => process.env.COMMANDS_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

/** A client of the test broker (a device, in the suites), connected over MQTT 5. */
export async function brokerClient(): Promise<MqttClient> {
  try {
    return await connectAsync(testBrokerUrl(), {
      protocolVersion: 5,
      connectTimeout: 3000,
      reconnectPeriod: 0,
    });
  } catch (error) {
    throw new Error(
      `No MQTT broker answers at ${testBrokerUrl()} (${String(error)}): start Mosquitto, or set COMMANDS_MQTT_URL`,
    );
  }
}

/** Every message `client` receives on `topic` from now on, in order. */
export async function collect(client: MqttClient, topic: string): Promise<Buffer[]> {
  const messages: Buffer[] = [];
  client.on('message', (received, payload) => {
    if (received === topic) messages.push(payload);
  });
  await client.subscribeAsync(topic, { qos: 1 });
  return messages;
}

import type { AddressInfo } from 'node:net';
import type { TestApp } from './test-app';

/** The app's base URL, listening on an ephemeral port (streams and raw sockets need a real client). */
export async function listeningUrl(testApp: TestApp): Promise<string> {
  const server = testApp.app.getHttpServer();
  if (!server.listening) await testApp.app.listen(0, '127.0.0.1');
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

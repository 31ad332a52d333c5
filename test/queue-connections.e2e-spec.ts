import { QueueConnections } from '../src/queue/queue-connections';
import { describeWithRedis, testRedisUrl } from './utils/test-database';

describeWithRedis('The queues’ Redis connections', () => {
  it('let a worker’s connection name fail quietly when the connection closes before Redis answers', async () => {
    const connections = new QueueConnections(testRedisUrl()!);
    const createClient = connections.options({ prefix: 'fh-test', lockMs: 1000 }).createClient!;
    const blocking = createClient('bclient', {});
    // What Bull's `process` sends without handling it; the connection is still connecting, so the
    // command waits in its offline queue, then the application stops.
    const naming = blocking.client('SETNAME', 'fh-test:worker');
    blocking.disconnect();
    await expect(naming).resolves.toBeNull();
    await connections.onApplicationShutdown();
  });
});

import { createServer, type Server } from 'node:http';
import type { MetricsService } from './metrics.service';

/**
 * `GET /metrics` for a `ROLE=worker` process, which serves no application HTTP: the job durations
 * and rows written are counted there. A bare server on its own port (WORKER_METRICS_PORT), so a
 * worker opens no route of the API.
 */
export async function serveWorkerMetrics(
  metrics: MetricsService,
  host: string,
  port: number,
): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    metrics.registry.metrics().then(
      (text) => response.writeHead(200, { 'Content-Type': metrics.registry.contentType }).end(text),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger as NestLogger, type INestApplicationContext } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { HTTP_APP_OPTIONS, configureApp } from './app.setup';
import { seedDemoTenant } from './auth/demo-tenant';
import { TenantsService } from './auth/tenants.service';
import { startupLogger } from './common/logging';
import { startupFailureText } from './common/startup-error';
import { loadConfigOrExit } from './config/load-config-or-exit';
import { MetricsService } from './metrics/metrics.service';
import { serveWorkerMetrics } from './metrics/worker-metrics.server';
import { prepareRuntime } from './runtime';

/**
 * A server started alongside its PostgreSQL, or while it restarts, waits this long for it (as
 * TypeORM's own connection retries do, 9 × 3 s) rather than exiting at once.
 */
const DATABASE_WAIT_MS = 30_000;

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  NestLogger.overrideLogger(startupLogger(config));
  const runtime = await prepareRuntime(config, { waitForDatabaseMs: DATABASE_WAIT_MS });
  const module = AppModule.forRoot(runtime.config);

  let app: INestApplicationContext;
  let server: Server | undefined;
  if (config.role === 'worker') {
    app = await NestFactory.createApplicationContext(module, { bufferLogs: true });
    app.useLogger(app.get(Logger));
    await app.init();
    const metricsPort = config.http.workerMetricsPort;
    if (metricsPort !== undefined) {
      server = await serveWorkerMetrics(app.get(MetricsService), config.http.host, metricsPort);
    }
  } else {
    const http = await NestFactory.create<NestExpressApplication>(module, HTTP_APP_OPTIONS);
    configureApp(http, config);
    await http.listen(config.http.port, config.http.host);
    server = http.getHttpServer();
    app = http;
  }
  const logger = app.get(Logger);
  const address = server?.address();
  logger.log(
    `FleetHub started: role=${config.role}` +
      (address && typeof address === 'object'
        ? `, http://${config.http.host}:${address.port}`
        : ''),
  );

  if (runtime.embedded) {
    const demo = await seedDemoTenant(app.get(TenantsService), config.dataDir);
    if (demo?.credentials) {
      process.stdout.write(
        `\nCreated the demo tenant. Its credentials are shown once here and kept in ${demo.file}:\n` +
          `${JSON.stringify(demo.credentials, null, 2)}\n\n`,
      );
    } else if (demo) {
      logger.log(`The demo tenant's credentials are kept in ${demo.file}`);
    }
  }

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: finishing in-flight work, then stopping`);
    // Keep-alive clients would go on sending on their open connections and hold the process up:
    // from now on every answer closes its connection.
    server?.on('request', (_request: IncomingMessage, response: ServerResponse) =>
      response.setHeader('Connection', 'close'),
    );
    if (config.role === 'worker') server?.close();
    await app.close();
    await runtime.shutdown();
    process.exit(0);
  };
  process.once('SIGTERM', (signal) => void stop(signal));
  process.once('SIGINT', (signal) => void stop(signal));
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`FleetHub failed to start: ${startupFailureText(error)}\n`);
  process.exit(1);
});

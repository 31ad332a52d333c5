import type { NestApplicationOptions } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { Logger } from 'nestjs-pino';
import { sendApiError } from './common/errors/api-exception.filter';
import { requestId } from './common/http/request-id';
import { requireJsonBody } from './common/http/require-json';
import type { AppConfig } from './config/app-config';
import { MetricsService } from './metrics/metrics.service';

function openApiDocument(app: NestExpressApplication) {
  const config = new DocumentBuilder()
    .setTitle('FleetHub')
    .setDescription(
      'Telemetry ingestion, device queries and fleet management for GPS trackers and IoT devices.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'jwt')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'tenant' }, 'tenant')
    .addBasicAuth({ type: 'http', scheme: 'basic' }, 'northbound')
    .addBasicAuth({ type: 'http', scheme: 'basic' }, 'twilio')
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Body parsers are registered by `configureApp`, ahead of the error middleware that answers their failures. */
export const HTTP_APP_OPTIONS: NestApplicationOptions = {
  bodyParser: false,
  // Telemetry forwards the body's bytes to the queue as they came, without re-serialising them.
  rawBody: true,
  bufferLogs: true,
};

/**
 * Everything about the HTTP application that is not a module: body parsing, the error envelope
 * for failures before routing, metrics, OpenAPI. `main.ts` and the e2e tests both call it, so the
 * tests exercise exactly what production serves.
 */
export function configureApp(app: NestExpressApplication, config: AppConfig): void {
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  // JSON API answers are not cached by validators; hashing every body for an ETag is wasted work.
  app.set('etag', false);
  // The request id before anything can fail, so the answers given before routing (malformed JSON,
  // 413, 415) carry it too; pino-http then reuses it (`req.id`) rather than minting another.
  app.use((request: Request, response: Response, next: NextFunction) => {
    request.id = requestId(request, response);
    next();
  });
  app.use(app.get(MetricsService).httpMiddleware);
  app.use('/apidev', requireJsonBody);
  app.useBodyParser('json', { limit: config.http.bodyLimitBytes });
  app.useBodyParser('urlencoded', { limit: config.http.bodyLimitBytes, extended: false });
  // Failures before a route runs (malformed JSON, oversized or non-JSON bodies) get the envelope too.
  app.use((error: unknown, request: Request, response: Response, _next: NextFunction) =>
    sendApiError(error, request, response),
  );
  SwaggerModule.setup('docs', app, () => openApiDocument(app), {
    jsonDocumentUrl: 'docs/openapi.json',
  });
}

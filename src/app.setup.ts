import type { NestApplicationOptions, Provider } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { Logger } from 'nestjs-pino';
import { ApiExceptionFilter } from './common/errors/api-exception.filter';
import { createValidationPipe } from './common/errors/validation';
import { answerClientErrors } from './common/http/client-errors';
import { requestId } from './common/http/request-id';
import { loggerParams, requestLogging } from './common/logging';
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
    .addBearerAuth({ type: 'http', scheme: 'bearer' }, 'microvisor-device')
    .build();
  return SwaggerModule.createDocument(app, config);
}

/**
 * The global pieces every route's answer goes through: the exception filter that writes the error
 * envelope, and the pipe that validates DTOs. The root module installs them; the contract tests
 * install them around a single controller.
 */
export const GLOBAL_HTTP_PROVIDERS: Provider[] = [
  { provide: APP_FILTER, useClass: ApiExceptionFilter },
  { provide: APP_PIPE, useFactory: createValidationPipe },
];

/**
 * No body parser runs ahead of the routes: a route reads its body once the caller has
 * authenticated (`JsonBodyGuard`, part of every authentication decorator).
 */
export const HTTP_APP_OPTIONS: NestApplicationOptions = {
  bodyParser: false,
  bufferLogs: true,
};

/**
 * Node's own limit on receiving a whole request, a backstop behind the routes' body deadline:
 * it also ends requests whose body no route reads.
 */
const REQUEST_TIMEOUT_MARGIN_MS = 60_000;

/**
 * Everything about the HTTP application that is not a module: request ids, the error envelope
 * for requests Node refuses itself, metrics, OpenAPI. `main.ts` and the e2e tests both call it,
 * so the tests exercise exactly what production serves.
 */
export function configureApp(app: NestExpressApplication, config: AppConfig): void {
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.set('trust proxy', config.http.trustProxy);
  const server = app.getHttpServer();
  answerClientErrors(server);
  server.requestTimeout = config.http.bodyTimeoutMs + REQUEST_TIMEOUT_MARGIN_MS;
  // JSON API answers are not cached by validators; hashing every body for an ETag is wasted work.
  app.set('etag', false);
  // The request id before anything can fail; every log line of the request carries it.
  app.use((request: Request, response: Response, next: NextFunction) => {
    request.id = requestId(request, response);
    next();
  });
  app.use(app.get(MetricsService).httpMiddleware);
  SwaggerModule.setup('docs', app, () => openApiDocument(app), {
    jsonDocumentUrl: 'docs/openapi.json',
  });
  // After the documentation's routes, which answer with no line; before the application's.
  app.use(requestLogging(loggerParams(config)));
}

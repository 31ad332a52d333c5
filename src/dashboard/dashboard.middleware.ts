import { Inject, Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { DASHBOARD_DIRECTORY, loadDashboardFiles, type DashboardFile } from './dashboard-files';
import { securityHeaders } from './security-headers';

const NOT_BUILT = 'The dashboard is not built: run npm run build\n';

/**
 * Serves the dashboard's page and assets from memory, read once when the server starts. A path
 * the build does not hold goes on to the routes, which answer it as they always have (the API's
 * 404): nothing of the request reaches the file system.
 */
@Injectable()
export class DashboardMiddleware implements NestMiddleware {
  private readonly logger = new Logger(DashboardMiddleware.name);
  private readonly files: Map<string, DashboardFile> | undefined;
  private readonly headers: Record<string, string>;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(DASHBOARD_DIRECTORY) directory: string,
  ) {
    this.headers = securityHeaders(config.dashboard.tileUrl);
    this.files = loadDashboardFiles(directory, config.dashboard);
    if (!this.files) {
      this.logger.warn(`The dashboard is not built (no ${directory}/index.html): / answers 503`);
    }
  }

  use(request: Request, response: Response, next: NextFunction): void {
    if (!this.files) {
      if (request.path !== '/') return next();
      response.status(503).set(this.headers).set('Cache-Control', 'no-store').type('text/plain');
      response.send(NOT_BUILT);
      return;
    }
    const file = this.files.get(request.path);
    if (!file) return next();
    response.set(this.headers).set('Cache-Control', file.cacheControl).type(file.extension);
    if (file.gzip) response.vary('Accept-Encoding');
    const gzipped = request.acceptsEncodings('gzip') === 'gzip' ? file.gzip : undefined;
    if (gzipped) response.set('Content-Encoding', 'gzip');
    response.send(gzipped ?? file.body);
  }
}

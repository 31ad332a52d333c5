import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { DASHBOARD_DIRECTORY, locateDashboardBuild } from './dashboard-files';
import { DashboardMiddleware } from './dashboard.middleware';

/**
 * The web dashboard (its source in `web/`, built into `dist/web`): the page at `/`, its files
 * under `/assets/`. A middleware rather than a controller: it answers only what the build holds
 * and hands every other path, unseen, to the routes and their error formats, and it stays out of
 * the API's guards, limits and OpenAPI document.
 */
@Module({
  providers: [{ provide: DASHBOARD_DIRECTORY, useFactory: () => locateDashboardBuild() }],
})
export class DashboardModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // GET routes answer HEAD too.
    consumer
      .apply(DashboardMiddleware)
      .forRoutes(
        { path: '/', method: RequestMethod.GET },
        { path: 'assets/*path', method: RequestMethod.GET },
      );
  }
}

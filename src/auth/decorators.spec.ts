import { INTERCEPTORS_METADATA } from '@nestjs/common/constants';
import type { CanActivate } from '@nestjs/common';
import { ApiAuth, ApiAuthLimitedBy, ApiKeyAuth, NorthboundAuth, TwilioAuth } from './decorators';
import { TenantRequestLimit } from './tenant-request.limit';

class OwnLimiter implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

/** The interceptors a route decorated with `decorator` runs. */
function interceptorsOf(decorator: MethodDecorator): unknown[] {
  class Controller {
    route(): void {}
  }
  const descriptor = Object.getOwnPropertyDescriptor(Controller.prototype, 'route')!;
  decorator(Controller.prototype, 'route', descriptor);
  return (Reflect.getMetadata(INTERCEPTORS_METADATA, descriptor.value as object) ??
    []) as unknown[];
}

describe('authentication decorators: the tenant request limit', () => {
  it.each([
    ['ApiAuth', ApiAuth()],
    ['ApiKeyAuth', ApiKeyAuth()],
    ['TwilioAuth', TwilioAuth()],
  ])('%s puts it on the route', (_name, decorator) => {
    expect(interceptorsOf(decorator)).toEqual([TenantRequestLimit]);
  });

  it.each([
    ['ApiAuthLimitedBy (a limit of its own)', ApiAuthLimitedBy(OwnLimiter)],
    ['NorthboundAuth (a tracker never resends)', NorthboundAuth()],
  ])('%s leaves it off', (_name, decorator) => {
    expect(interceptorsOf(decorator)).toEqual([]);
  });
});

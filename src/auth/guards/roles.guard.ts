import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ApiError } from '../../common/errors/api-error';
import type { UserRole } from '../entities/user.entity';
import { DEFAULT_ROLES, ROLES_METADATA } from '../roles';

/** Refuses (403) a user whose role the route does not admit (see `Roles`); runs after `ApiAuthGuard`. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const principal = context.switchToHttp().getRequest<Request>().principal;
    if (!principal) throw new Error('RolesGuard needs the principal: list it after ApiAuthGuard');
    const admitted =
      this.reflector.getAllAndOverride<UserRole[] | undefined>(ROLES_METADATA, [
        context.getHandler(),
        context.getClass(),
      ]) ?? DEFAULT_ROLES;
    if (!admitted.includes(principal.role)) {
      throw new ApiError('FORBIDDEN', `Users of role "${principal.role}" may not use this route`);
    }
    return true;
  }
}

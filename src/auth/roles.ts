import { SetMetadata } from '@nestjs/common';
import type { UserRole } from './entities/user.entity';

/** What a user of each role may do: the roles guard enforces it, the CLI prints it. */
export const ROLE_ABILITIES: Record<UserRole, string> = {
  admin: 'every /apidev/v1 route (reads, exports, live stream, telemetry)',
  device:
    'a tracker or gateway: obtain a token and POST /apidev/v1/telemetry, nothing else (every read is 403)',
};

export const ROLES_METADATA = 'fleethub:roles';

/**
 * The roles a route admits. A route without it admits `admin` only, so a new route is closed to
 * device users until it says otherwise.
 */
export const DEFAULT_ROLES: readonly UserRole[] = ['admin'];

/** Opens a dual-auth route (or a controller's routes) to exactly these roles. */
export const Roles = (...roles: UserRole[]) => SetMetadata(ROLES_METADATA, roles);

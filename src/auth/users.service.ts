import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiError } from '../common/errors/api-error';
import { DEFAULT_USER_ROLE, UserEntity, type UserRole } from './entities/user.entity';
import { requireTenant } from './require-tenant';
import { hashPassword, randomSecret } from './secrets';

/** A new user's name and password, shown once. */
export interface UserCredentials {
  username: string;
  password: string;
}

/** A tenant's users, who get tokens with a username and password (`user:create`). */
@Injectable()
export class UsersService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async create(
    tenantSlug: string,
    username: string,
    role: UserRole = DEFAULT_USER_ROLE,
  ): Promise<UserCredentials> {
    const tenant = await requireTenant(this.dataSource.manager, tenantSlug);
    const taken = await this.dataSource
      .getRepository(UserEntity)
      .existsBy({ tenantId: tenant.id, username });
    if (taken)
      throw new ApiError(
        'VALIDATION_ERROR',
        `User "${username}" already exists in "${tenantSlug}"`,
      );
    return this.insert(this.dataSource.manager, tenant.id, username, role);
  }

  /** Adds a user with a random password, in the caller's transaction. */
  async insert(
    manager: EntityManager,
    tenantId: string,
    username: string,
    role: UserRole,
  ): Promise<UserCredentials> {
    const password = randomSecret(18);
    await manager.insert(UserEntity, {
      tenantId,
      username,
      role,
      passwordHash: await hashPassword(password),
    });
    return { username, password };
  }
}

import type { DataSourceOptions } from 'typeorm';
import { ApiKeyEntity } from '../auth/entities/api-key.entity';
import { NorthboundCredentialEntity } from '../auth/entities/northbound-credential.entity';
import { TenantEntity } from '../auth/entities/tenant.entity';
import { UserEntity } from '../auth/entities/user.entity';
import { DeviceEventEntity } from '../devices/entities/device-event.entity';
import { DeviceEntity } from '../devices/entities/device.entity';
import { PositionEntity } from '../devices/entities/position.entity';
import { AccountConfigEntity } from '../microvisor/entities/account-config.entity';
import { AccountSecretEntity } from '../microvisor/entities/account-secret.entity';
import { MicrovisorAppEntity } from '../microvisor/entities/app.entity';
import { DeviceConfigEntity } from '../microvisor/entities/device-config.entity';
import { DeviceSecretEntity } from '../microvisor/entities/device-secret.entity';
import { MicrovisorDeviceEntity } from '../microvisor/entities/device.entity';
import { TrackerMessageEntity } from '../northbound/entities/tracker-message.entity';
import { CallbackDeliveryEntity } from '../twilio/entities/callback-delivery.entity';
import { CommandEntity } from '../wireless/entities/command.entity';
import { DataSessionEntity } from '../wireless/entities/data-session.entity';
import { RatePlanEntity } from '../wireless/entities/rate-plan.entity';
import { SimUsageEntity } from '../wireless/entities/sim-usage.entity';
import { SimEntity } from '../wireless/entities/sim.entity';
import { GeneratedSecretEntity } from './generated-secret.entity';
import { InitialSchema1763784000000 } from './migrations/1763784000000-InitialSchema';
import { TenantRateLimits1795322780000 } from './migrations/1795322780000-TenantRateLimits';
import { Northbound1795400000000 } from './migrations/1795400000000-Northbound';
import { DeviceListIndex1795500000000 } from './migrations/1795500000000-DeviceListIndex';
import { DataLifecycle1795600000000 } from './migrations/1795600000000-DataLifecycle';
import { DeviceUpdatesInPlace1795700000000 } from './migrations/1795700000000-DeviceUpdatesInPlace';
import { Wireless1795800000000 } from './migrations/1795800000000-Wireless';
import { SealedAuthTokens1795850000000 } from './migrations/1795850000000-SealedAuthTokens';
import { CallbackDeliveries1795860000000 } from './migrations/1795860000000-CallbackDeliveries';
import { Microvisor1795900000000 } from './migrations/1795900000000-Microvisor';
import { GeneratedSecrets1795910000000 } from './migrations/1795910000000-GeneratedSecrets';

export const ENTITIES = [
  TenantEntity,
  UserEntity,
  ApiKeyEntity,
  NorthboundCredentialEntity,
  DeviceEntity,
  PositionEntity,
  DeviceEventEntity,
  TrackerMessageEntity,
  RatePlanEntity,
  SimEntity,
  CommandEntity,
  DataSessionEntity,
  SimUsageEntity,
  CallbackDeliveryEntity,
  MicrovisorAppEntity,
  MicrovisorDeviceEntity,
  AccountConfigEntity,
  DeviceConfigEntity,
  AccountSecretEntity,
  DeviceSecretEntity,
  GeneratedSecretEntity,
];

/** Listed explicitly (not globbed) so the compiled build, the CLI and ts-jest all see the same set. */
export const MIGRATIONS = [
  InitialSchema1763784000000,
  TenantRateLimits1795322780000,
  Northbound1795400000000,
  DeviceListIndex1795500000000,
  DataLifecycle1795600000000,
  DeviceUpdatesInPlace1795700000000,
  Wireless1795800000000,
  SealedAuthTokens1795850000000,
  CallbackDeliveries1795860000000,
  Microvisor1795900000000,
  GeneratedSecrets1795910000000,
];

export const MIGRATIONS_TABLE = 'schema_migrations';

/**
 * The one DataSource definition: the Nest app, the operator CLI and `ormconfig.ts` all use it.
 * `applicationName` names the process's connections in `pg_stat_activity` (`fleethub-worker`, …),
 * so an operator can tell which kind of process holds a session or a lock.
 */
export function buildDataSourceOptions(
  url: string,
  poolSize = 10,
  applicationName = 'fleethub',
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    applicationName,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsRun: false,
    synchronize: false,
    // The migrations own the schema: connecting never creates an extension, and the entities'
    // uuid keys default to gen_random_uuid() (built into PostgreSQL 13+), as the migrations wrote.
    installExtensions: false,
    uuidExtension: 'pgcrypto',
    extra: { max: poolSize, connectionTimeoutMillis: 5000 },
  };
}

import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * Gives every PostgreSQL connection of the pool an error listener for its whole life. A server
 * restart sends each connection an error; one checked out between queries hears it as an `error`
 * event, and an event nobody listens to crashes the process. The pool and TypeORM listen only at
 * times (TypeORM's listener goes with the first error), so a worker could die of a restart it
 * would otherwise ride out: the broken connection is discarded either way, and the job retried.
 */
@Injectable()
export class ConnectionErrorGuard implements OnModuleInit {
  private readonly logger = new Logger('Database');
  private readonly guarded = new WeakSet<PoolClient>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    const pool = (this.dataSource.driver as PostgresDriver).master as Pool;
    pool.on('acquire', (client) => {
      if (this.guarded.has(client)) return;
      this.guarded.add(client);
      client.on('error', (error) =>
        this.logger.warn(`A PostgreSQL connection failed: ${error.message}`),
      );
    });
  }
}

/** Socket errors of a server that is down or not yet listening. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);

/**
 * True when an error says PostgreSQL cannot be reached right now (not listening, starting up,
 * shutting down, the connection lost: SQLSTATE classes 08 and 57P), as opposed to a statement it
 * refused.
 */
export function isServerUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  if (typeof code === 'string') {
    return code.startsWith('08') || code.startsWith('57P') || UNREACHABLE.has(code);
  }
  return error instanceof Error && error.message === 'Connection terminated unexpectedly';
}

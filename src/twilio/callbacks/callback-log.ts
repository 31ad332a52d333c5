import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { requireTenant } from '../../auth/require-tenant';
import {
  CallbackDeliveryEntity,
  type CallbackMethod,
  type CallbackState,
} from '../entities/callback-delivery.entity';
import type { CallbackOutcome } from './callback-request';

/** A callback as `callbacks:undelivered` shows it. These names are a contract for operators' scripts. */
export interface UndeliveredCallback {
  id: string;
  about: string;
  url: string;
  method: CallbackMethod;
  state: CallbackState;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  lastAttemptAt: string | null;
  finishedAt: string | null;
}

/** What the record says of an attempt that got no answer because FleetHub stopped first. */
export const INTERRUPTED = 'Interrupted';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** The record of every callback (`callback_deliveries`): one row each, updated at each attempt. */
@Injectable()
export class CallbackLog {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(CallbackDeliveryEntity)
    private readonly deliveries: Repository<CallbackDeliveryEntity>,
  ) {}

  /** A new pending callback; its id. */
  async open(entry: {
    tenantId: string;
    about: string;
    url: string;
    method: CallbackMethod;
  }): Promise<string> {
    const row = await this.deliveries.save(this.deliveries.create(entry));
    return row.id;
  }

  /** Drops the record of a callback that could not be scheduled after all. */
  async forget(id: string): Promise<void> {
    await this.deliveries.delete({ id });
  }

  /**
   * Counts an attempt at a pending callback and returns how many have been made; undefined when
   * it is pending no more (a job run again after its callback was delivered or given up).
   */
  async beginAttempt(id: string): Promise<number | undefined> {
    const [rows] = await this.dataSource.query<[{ attempts: number }[], number]>(
      `UPDATE callback_deliveries SET attempts = attempts + 1, last_attempt_at = now()
       WHERE id = $1 AND state = 'pending'
       RETURNING attempts`,
      [id],
    );
    return rows[0]?.attempts;
  }

  /** What the attempt just begun met, and the state it leaves the callback in. */
  async endAttempt(id: string, state: CallbackState, outcome: CallbackOutcome): Promise<void> {
    await this.deliveries.update(
      { id },
      {
        state,
        lastStatus: outcome.status,
        lastError: outcome.error,
        finishedAt: state === 'pending' ? null : () => 'now()',
      },
    );
  }

  /**
   * Gives up every pending callback: without Redis, those a previous run of the one process was
   * delivering when it stopped, which nothing will attempt again. Returns how many.
   */
  async giveUpPending(): Promise<number> {
    const [, count] = await this.dataSource.query<[unknown[], number]>(
      `UPDATE callback_deliveries SET state = 'given_up', last_error = $1, finished_at = now()
       WHERE state = 'pending'`,
      [INTERRUPTED],
    );
    return count;
  }

  /** A tenant's latest callbacks not delivered (pending or given up), the newest first. */
  async undelivered(tenantSlug: string, limit: number): Promise<UndeliveredCallback[]> {
    const tenant = await requireTenant(this.dataSource.manager, tenantSlug);
    const rows = await this.deliveries
      .createQueryBuilder('delivery')
      .where('delivery.tenantId = :tenantId', { tenantId: tenant.id })
      // A literal, not a parameter: the planner then sees the partial index's own condition.
      .andWhere(`delivery.state <> 'delivered'`)
      .orderBy('delivery.createdAt', 'DESC')
      .limit(limit)
      .getMany();
    return rows.map((row) => ({
      id: row.id,
      about: row.about,
      url: row.url,
      method: row.method,
      state: row.state,
      attempts: row.attempts,
      lastStatus: row.lastStatus,
      lastError: row.lastError,
      createdAt: row.createdAt.toISOString(),
      lastAttemptAt: iso(row.lastAttemptAt),
      finishedAt: iso(row.finishedAt),
    }));
  }
}

import type { ConcurrencyLimits } from '../config/app-config';
import { ApiError } from './errors/api-error';

/** Gives a slot back. Calling it again does nothing, so every way out of a use may call it. */
export type ReleaseSlot = () => void;

/**
 * Counts the long-lived uses of one kind (position exports, live streams) open at once in this
 * process, in all and per tenant, and refuses one more over either limit before anything is
 * taken for it: 429 when the tenant holds its whole share (its own uses must end first), 503 when
 * the process is full (another instance may have room). The counts are this process's own: behind
 * a load balancer a tenant may hold its share on each API process, and each process's resources
 * (its database pool) stay bounded all the same.
 */
export class TenantSlots {
  private readonly heldByTenant = new Map<string, number>();
  private heldInAll = 0;

  constructor(
    /** What a slot is for, in the plural, for the refusals' messages ("position exports"). */
    private readonly uses: string,
    private readonly limits: ConcurrencyLimits,
    private readonly retryAfterSeconds: number,
  ) {}

  /** A slot for the tenant, or the ApiError that refuses it. */
  take(tenantId: string): ReleaseSlot {
    const held = this.heldByTenant.get(tenantId) ?? 0;
    if (held >= this.limits.perTenant) {
      throw this.refusal(
        'RATE_LIMITED',
        `This tenant has ${this.limits.perTenant} ${this.uses} open, as many as it may; retry once one has ended`,
      );
    }
    if (this.heldInAll >= this.limits.perProcess) {
      throw this.refusal(
        'SERVICE_UNAVAILABLE',
        `The server has as many ${this.uses} open as it allows; retry shortly`,
      );
    }
    this.heldByTenant.set(tenantId, held + 1);
    this.heldInAll++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.heldInAll--;
      const left = (this.heldByTenant.get(tenantId) ?? 1) - 1;
      if (left > 0) this.heldByTenant.set(tenantId, left);
      else this.heldByTenant.delete(tenantId);
    };
  }

  private refusal(code: 'RATE_LIMITED' | 'SERVICE_UNAVAILABLE', message: string): ApiError {
    return new ApiError(code, message, undefined, {
      'Retry-After': String(this.retryAfterSeconds),
    });
  }
}

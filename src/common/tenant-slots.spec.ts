import { ApiError } from './errors/api-error';
import { TenantSlots } from './tenant-slots';

/** The ApiError `take` throws; fails the test when it hands out a slot instead. */
function refusal(slots: TenantSlots, tenantId: string): ApiError {
  try {
    slots.take(tenantId);
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error(`a slot was given to ${tenantId}`);
}

describe('TenantSlots', () => {
  const newSlots = (perTenant: number, perProcess: number) =>
    new TenantSlots('exports', { perTenant, perProcess }, 7);

  it("refuses a tenant over its share with 429 and Retry-After, without touching another's", () => {
    const slots = newSlots(2, 10);
    slots.take('a');
    slots.take('a');
    const error = refusal(slots, 'a');
    expect(error.status).toBe(429);
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.headers).toEqual({ 'Retry-After': '7' });
    expect(error.message).toBe(
      'This tenant has 2 exports open, as many as it may; retry once one has ended',
    );
    expect(() => slots.take('b')).not.toThrow();
  });

  it('refuses anyone once the process is full with 503 and Retry-After', () => {
    const slots = newSlots(2, 3);
    slots.take('a');
    slots.take('a');
    slots.take('b');
    const error = refusal(slots, 'c');
    expect(error.status).toBe(503);
    expect(error.code).toBe('SERVICE_UNAVAILABLE');
    expect(error.headers).toEqual({ 'Retry-After': '7' });
    // A tenant at its own share hears about its share, the limit it can do something about.
    expect(refusal(slots, 'a').status).toBe(429);
  });

  it('takes a released slot again, for the tenant and for the process', () => {
    const slots = newSlots(1, 2);
    const releaseA = slots.take('a');
    slots.take('b');
    expect(refusal(slots, 'a').status).toBe(429);
    expect(refusal(slots, 'c').status).toBe(503);
    releaseA();
    expect(() => slots.take('c')).not.toThrow();
    expect(refusal(slots, 'a').status).toBe(503);
  });

  it('counts a slot released twice (or more) once', () => {
    const slots = newSlots(2, 2);
    const release = slots.take('a');
    slots.take('a');
    release();
    release();
    release();
    slots.take('a');
    // Had the repeats counted, the tenant and the process would have room for more.
    expect(refusal(slots, 'a').status).toBe(429);
    expect(refusal(slots, 'b').status).toBe(503);
  });
});

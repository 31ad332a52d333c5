import { SIM_STATUSES, type SimStatus } from './entities/sim.entity';
import { FOLLOW_UPS, REQUESTABLE_STATUSES, requestStatus } from './sim-status';

/** Every pair (from, to) the table allows, as "from->to". */
const allowed = SIM_STATUSES.flatMap((from) =>
  REQUESTABLE_STATUSES[from].map((to) => `${from}->${to}`),
);

describe('Sim status transitions', () => {
  it('allow exactly the changes of Twilio’s SIM states', () => {
    expect(allowed.sort()).toEqual(
      [
        'new->ready',
        'new->active',
        'new->deactivated',
        'ready->active',
        'ready->deactivated',
        'active->suspended',
        'active->deactivated',
        'suspended->active',
        'suspended->deactivated',
      ].sort(),
    );
  });

  it.each(allowed.map((pair) => pair.split('->') as [SimStatus, SimStatus]))(
    '%s -> %s is a change',
    (from, to) => {
      expect(requestStatus(from, to)).toBe('change');
    },
  );

  it.each([
    ['ready', 'new'],
    ['active', 'new'],
    ['active', 'ready'],
    ['suspended', 'ready'],
    ['deactivated', 'active'],
    ['deactivated', 'canceled'],
    ['canceled', 'active'],
    ['new', 'suspended'],
    ['new', 'canceled'],
    ['active', 'updating'],
    ['new', 'scheduled'],
  ] as [SimStatus, SimStatus][])('%s -> %s is illegal', (from, to) => {
    expect(requestStatus(from, to)).toBe('illegal');
  });

  it.each(SIM_STATUSES.filter((status) => status !== 'updating' && status !== 'scheduled'))(
    '%s -> %s (the same status) changes nothing',
    (status) => {
      expect(requestStatus(status, status)).toBe('unchanged');
    },
  );

  it.each(
    SIM_STATUSES.flatMap((to) => [
      ['updating', to],
      ['scheduled', to],
    ]) as [SimStatus, SimStatus][],
  )('while %s, asking for %s finds the Sim busy', (from, to) => {
    expect(requestStatus(from, to)).toBe('busy');
  });

  it('never lets a Sim return to new, nor leave canceled', () => {
    for (const from of SIM_STATUSES) expect(REQUESTABLE_STATUSES[from]).not.toContain('new');
    expect(REQUESTABLE_STATUSES.canceled).toEqual([]);
  });

  it('cancels a deactivated Sim 72 hours later, and nothing else on its own', () => {
    expect(FOLLOW_UPS).toEqual({ deactivated: { status: 'canceled', afterMs: 259_200_000 } });
  });
});

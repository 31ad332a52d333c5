import { SIM_STATUSES, type SimStatus } from './entities/sim.entity';
import { FOLLOW_UPS, REQUESTABLE_STATUSES, pendingCompletions, requestStatus } from './sim-status';

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

describe('pending completions of a Sim', () => {
  const CHANGE_MS = 2000;
  const DAYS_3 = 259_200_000;
  const sim = (
    status: SimStatus,
    targetStatus: SimStatus | null = null,
    resetStatus: 'resetting' | null = null,
  ) => ({ status, targetStatus, resetStatus });

  it('are none for a Sim at rest', () => {
    expect(pendingCompletions(sim('active'), CHANGE_MS, 0)).toEqual([]);
  });

  it('complete a change of status after the change time', () => {
    expect(pendingCompletions(sim('updating', 'ready'), CHANGE_MS, 0)).toEqual([
      { change: { kind: 'status', status: 'ready' }, dueInMs: CHANGE_MS },
    ]);
  });

  it('cancel a deactivated Sim 72 hours after it is deactivated', () => {
    expect(pendingCompletions(sim('updating', 'deactivated'), CHANGE_MS, 0)).toEqual([
      { change: { kind: 'status', status: 'deactivated' }, dueInMs: CHANGE_MS },
      { change: { kind: 'status', status: 'canceled' }, dueInMs: CHANGE_MS + DAYS_3 },
    ]);
    expect(pendingCompletions(sim('deactivated', 'canceled'), CHANGE_MS, 0)).toEqual([
      { change: { kind: 'status', status: 'canceled' }, dueInMs: DAYS_3 },
    ]);
  });

  it('end a connectivity reset after the change time', () => {
    expect(pendingCompletions(sim('active', null, 'resetting'), CHANGE_MS, 0)).toEqual([
      { change: { kind: 'reset' }, dueInMs: CHANGE_MS },
    ]);
  });

  it('count from when they were set, the past ones due now', () => {
    expect(pendingCompletions(sim('updating', 'deactivated'), CHANGE_MS, 5000)).toEqual([
      { change: { kind: 'status', status: 'deactivated' }, dueInMs: 0 },
      { change: { kind: 'status', status: 'canceled' }, dueInMs: CHANGE_MS + DAYS_3 - 5000 },
    ]);
  });
});

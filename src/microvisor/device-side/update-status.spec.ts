import { updateStatusAfter } from './update-status';

const TARGET = `KA${'1'.repeat(32)}`;
const OTHER = `KA${'2'.repeat(32)}`;

describe('updateStatusAfter', () => {
  it('is up-to-date once the Device runs its target', () => {
    expect(updateStatusAfter(TARGET, { reportedAppSid: TARGET, updateErrorCode: 0 })).toBe(
      'up-to-date',
    );
  });

  it('stays pending while the Device runs another App, or none', () => {
    expect(updateStatusAfter(TARGET, { reportedAppSid: OTHER, updateErrorCode: 0 })).toBe(
      'pending',
    );
    expect(updateStatusAfter(TARGET, { reportedAppSid: null, updateErrorCode: 0 })).toBe('pending');
  });

  it('is an error whenever the Device reports one, whatever it runs', () => {
    for (const reportedAppSid of [null, OTHER, TARGET]) {
      expect(updateStatusAfter(TARGET, { reportedAppSid, updateErrorCode: 7 })).toBe('error');
    }
    expect(updateStatusAfter(null, { reportedAppSid: null, updateErrorCode: 1 })).toBe('error');
  });

  it('is up-to-date for a Device targeted at nothing that reports no failure', () => {
    expect(updateStatusAfter(null, { reportedAppSid: OTHER, updateErrorCode: 0 })).toBe(
      'up-to-date',
    );
    expect(updateStatusAfter(null, { reportedAppSid: null, updateErrorCode: 0 })).toBe(
      'up-to-date',
    );
  });
});

import {
  formatCoordinates,
  formatEventCode,
  formatSpeed,
  formatTime,
  toLocalInputValue,
} from './format';

describe('formatTime', () => {
  it('writes an API time in local time, to the second', () => {
    const text = formatTime(new Date(2026, 10, 23, 9, 5, 7).toISOString());
    expect(text).toContain('2026');
    expect(text).toContain('11');
    expect(text).toContain('23');
    expect(text).toMatch(/09\D05\D07/);
  });

  it('writes a dash when there is no time', () => {
    expect(formatTime(null)).toBe('—');
    expect(formatTime(undefined)).toBe('—');
    expect(formatTime('')).toBe('—');
  });
});

describe('formatSpeed', () => {
  it('writes a number as sent, in km/h', () => {
    expect(formatSpeed(45)).toBe('45 km/h');
    expect(formatSpeed(0)).toBe('0 km/h');
    expect(formatSpeed(12.5)).toBe('12.5 km/h');
  });

  it('writes a dash for anything else', () => {
    expect(formatSpeed(null)).toBe('—');
    expect(formatSpeed(undefined)).toBe('—');
    expect(formatSpeed('45')).toBe('—');
  });
});

describe('formatCoordinates', () => {
  it('writes latitude and longitude to five decimals', () => {
    expect(formatCoordinates(-34.6037, -58.3816)).toBe('-34.60370, -58.38160');
    expect(formatCoordinates(51.123456789, 0.000004)).toBe('51.12346, 0.00000');
  });
});

describe('toLocalInputValue', () => {
  it("is a datetime-local input's value: local time, to the minute", () => {
    expect(toLocalInputValue(new Date(2026, 3, 4, 9, 5, 30))).toBe('2026-04-04T09:05');
    expect(toLocalInputValue(new Date(2026, 11, 31, 23, 59, 59))).toBe('2026-12-31T23:59');
  });
});

describe('formatEventCode', () => {
  it("adds the telemetry contract's name for the code, as the API names its events", () => {
    expect(formatEventCode('101')).toBe('101 · POSICION');
    expect(formatEventCode('118')).toBe('118 · IGNICION_ON');
    expect(formatEventCode('117')).toBe('117 · EXCESO_VELOCIDAD');
  });

  it('writes a code the contract does not list as it is', () => {
    expect(formatEventCode('999')).toBe('999');
    // Not the names of an object's inherited properties either.
    expect(formatEventCode('toString')).toBe('toString');
    expect(formatEventCode('constructor')).toBe('constructor');
  });

  it('writes a dash when there is no code', () => {
    expect(formatEventCode(null)).toBe('—');
    expect(formatEventCode(undefined)).toBe('—');
  });
});

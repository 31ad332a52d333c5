import { isServerUnavailable } from './connection-errors';

const withCode = (code: string, message = 'error') => Object.assign(new Error(message), { code });

describe('isServerUnavailable', () => {
  it.each([
    ['not listening', withCode('ECONNREFUSED')],
    ['connection reset', withCode('ECONNRESET')],
    ['starting up or shutting down (cannot_connect_now)', withCode('57P03')],
    ['terminated by an administrator', withCode('57P01')],
    ['a connection exception', withCode('08006')],
    ['the connection lost mid-query', new Error('Connection terminated unexpectedly')],
  ])('is true when PostgreSQL is %s', (_, error) => {
    expect(isServerUnavailable(error)).toBe(true);
  });

  it.each([
    ['a syntax error', withCode('42601')],
    ['a unique violation', withCode('23505')],
    ['wrong credentials', withCode('28P01')],
    ['an unknown database', withCode('3D000')],
    ['an error without a code', new Error('something else')],
    ['not an error', undefined],
  ])('is false for %s', (_, error) => {
    expect(isServerUnavailable(error)).toBe(false);
  });
});

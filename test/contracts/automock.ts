import type { Type } from '@nestjs/common';

/** The prototypes of a class and of the classes it extends, up to (not including) Object. */
function prototypeChain(type: Type): object[] {
  const chain: object[] = [];
  for (
    let prototype = type.prototype as object | null;
    prototype && prototype !== Object.prototype;
    prototype = Object.getPrototypeOf(prototype) as object | null
  ) {
    chain.push(prototype);
  }
  return chain;
}

/**
 * A stand-in for an instance of `type`: every method, its own and inherited, is a `jest.fn()` that
 * returns undefined until a test says otherwise. The class is never constructed, so nothing it would
 * connect to is touched.
 */
export function automock<T>(type: Type<T>): jest.Mocked<T> {
  const mock: Record<string, jest.Mock> = {};
  for (const prototype of prototypeChain(type)) {
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const { value } = Object.getOwnPropertyDescriptor(prototype, name)!;
      if (name !== 'constructor' && typeof value === 'function' && !(name in mock)) {
        mock[name] = jest.fn();
      }
    }
  }
  return mock as unknown as jest.Mocked<T>;
}

/** Forgets the calls and the answers of every method of an `automock`. */
export function resetMock(mock: object): void {
  for (const method of Object.values(mock)) (method as jest.Mock).mockReset();
}

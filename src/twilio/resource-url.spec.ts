import type { Request } from 'express';
import { apiBaseUrl, withQuery } from './resource-url';
import { TwilioError } from './twilio-error';

const request = (protocol: string, host: string | undefined) => ({ protocol, host }) as Request;

describe('apiBaseUrl', () => {
  it.each([
    ['http', '127.0.0.1:3000', 'http://127.0.0.1:3000/wireless/v1'],
    ['https', 'fleet.example.com', 'https://fleet.example.com/wireless/v1'],
    ['http', '[::1]:8080', 'http://[::1]:8080/wireless/v1'],
  ])('joins %s://%s and the mount', (protocol, host, url) => {
    expect(apiBaseUrl(request(protocol, host), '/wireless/v1')).toBe(url);
  });

  it.each([
    ['http', undefined],
    ['http', 'evil.example/path'],
    ['http', 'a b'],
    ['http', 'host:port'],
    ['http', 'user@host'],
    ['javascript', 'fleet.example.com'],
  ])('refuses %s with host %j (400)', (protocol, host) => {
    expect(() => apiBaseUrl(request(protocol, host), '/wireless/v1')).toThrow(TwilioError);
  });
});

describe('withQuery', () => {
  it('adds the parameters present, in order, percent-encoded', () => {
    expect(
      withQuery('http://h/x', [
        ['End', '2020-02-01T00:00:00Z'],
        ['Skip', undefined],
        ['Name', 'a b&c=d/é'],
      ]),
    ).toBe('http://h/x?End=2020-02-01T00%3A00%3A00Z&Name=a%20b%26c%3Dd%2F%C3%A9');
    expect(withQuery('http://h/x', [['Skip', undefined]])).toBe('http://h/x');
  });
});

import twilio from 'twilio';
import { twilioSignature } from './callback-signature';

const authToken = '12345678901234567890123456789012';

describe('twilioSignature', () => {
  it('is what twilio-node computes and accepts for a POST: the URL, then the sorted parameters', () => {
    const url = 'https://hooks.example.com/sims/status?source=fleethub';
    const params = {
      Status: 'ready',
      SimSid: 'DE0123456789abcdef0123456789abcdef',
      AccountSid: 'AC0123456789abcdef0123456789abcdef',
      FriendlyName: 'Truck 7 / ü & =',
    };
    const signature = twilioSignature(authToken, url, params);
    expect(signature).toBe(twilio.getExpectedTwilioSignature(authToken, url, params));
    expect(twilio.validateRequest(authToken, signature, url, params)).toBe(true);
  });

  it('follows the documented algorithm exactly (Twilio’s own example)', () => {
    // The example of Twilio's request-validation guide and its code samples.
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    const params = {
      CallSid: 'CA1234567890ABCDE',
      Caller: '+14158675309',
      Digits: '1234',
      From: '+14158675309',
      To: '+18005551212',
    };
    expect(twilioSignature('12345', url, params)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  });

  it('signs a GET by its URL alone, query string included', () => {
    const url =
      'http://hooks.example.com/cb?SimSid=DE0123456789abcdef0123456789abcdef&Status=ready';
    const signature = twilioSignature(authToken, url, {});
    expect(twilio.validateRequest(authToken, signature, url, {})).toBe(true);
    expect(twilio.validateRequest(authToken, signature, `${url}x`, {})).toBe(false);
  });

  it('differs with another auth token, URL or parameter value', () => {
    const url = 'https://hooks.example.com/cb';
    const signature = twilioSignature(authToken, url, { Status: 'ready' });
    expect(twilio.validateRequest('x'.repeat(32), signature, url, { Status: 'ready' })).toBe(false);
    expect(twilio.validateRequest(authToken, signature, `${url}2`, { Status: 'ready' })).toBe(
      false,
    );
    expect(twilio.validateRequest(authToken, signature, url, { Status: 'active' })).toBe(false);
  });
});

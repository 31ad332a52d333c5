import {
  CALLBACK_URL_MAX_LENGTH,
  InvalidCallbackUrlError,
  parseCallbackUrl,
  recordedUrl,
} from './callback-url';

function refusal(value: string): InvalidCallbackUrlError {
  try {
    parseCallbackUrl(value);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidCallbackUrlError);
    return error as InvalidCallbackUrlError;
  }
  throw new Error(`parseCallbackUrl accepted ${value}`);
}

describe('parseCallbackUrl', () => {
  it('accepts absolute http and https URLs, as normalized', () => {
    expect(parseCallbackUrl('https://Hooks.Example.com/a?b=1').href).toBe(
      'https://hooks.example.com/a?b=1',
    );
    expect(parseCallbackUrl('http://10.0.0.5:8080').href).toBe('http://10.0.0.5:8080/');
  });

  it.each([
    ['ftp://files.example.com/x', 'must be http or https (got "ftp")'],
    ['file:///etc/passwd', 'must be http or https (got "file")'],
    ['javascript:alert(1)', 'must be http or https (got "javascript")'],
    ['gopher://example.com:25/', 'must be http or https (got "gopher")'],
    ['/relative/path', 'is not an absolute URL'],
    ['not a url', 'is not an absolute URL'],
    ['', 'is not an absolute URL'],
  ])('refuses %j: a 400 that says why', (value, problem) => {
    const error = refusal(value);
    expect(error.status).toBe(400);
    expect(error.message).toBe(`The callback URL ${problem}`);
  });

  it(`refuses a URL longer than ${CALLBACK_URL_MAX_LENGTH} characters`, () => {
    const long = `https://example.com/${'a'.repeat(CALLBACK_URL_MAX_LENGTH)}`;
    expect(refusal(long).message).toBe(
      `The callback URL is longer than ${CALLBACK_URL_MAX_LENGTH} characters`,
    );
  });

  it('never repeats the URL, which may carry credentials', () => {
    expect(refusal('ftp://user:s3cret@example.com/').message).not.toContain('s3cret');
  });
});

describe('recordedUrl', () => {
  it('keeps scheme, host, port and path; drops credentials, query string and fragment', () => {
    const url = new URL('https://user:s3cret@hooks.example.com:8443/sims/status?token=abc#x');
    expect(recordedUrl(url)).toBe('https://hooks.example.com:8443/sims/status');
  });
});

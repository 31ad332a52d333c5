import { AuthController } from '../../src/auth/auth.controller';
import { TokenService } from '../../src/auth/token.service';
import { UNAUTHORIZED, errorEnvelope, missingHeaders } from '../utils/api-envelope';
import {
  API_KEY_HEADERS,
  STUB_API_KEY_PRINCIPAL,
  createContractApp,
  type ContractApp,
} from './contract-app';

const PATH = '/apidev/v1/auth/token';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const LOGIN = { username: 'admin', password: 'secret' };

describe('POST /apidev/v1/auth/token (contract)', () => {
  let app: ContractApp;
  let tokens: jest.Mocked<TokenService>;

  beforeAll(async () => {
    app = await createContractApp(AuthController, { mocks: [TokenService] });
    tokens = app.mock(TokenService);
  });
  afterAll(() => app.close());
  beforeEach(() => app.resetMocks());

  const post = (body: object, headers: Record<string, string> = API_KEY_HEADERS) =>
    app.http.post(PATH).set(headers).send(body);

  it('hands the parsed login and the API key’s tenant to the token service', async () => {
    const token = { accessToken: 'a.b.c', tokenType: 'Bearer' as const, expiresIn: 3600 };
    tokens.issue.mockResolvedValue(token);
    const response = await post(LOGIN);
    expect({ status: response.status, body: response.body as unknown }).toEqual({
      status: 200,
      body: { success: true, data: token, meta: {} },
    });
    expect(tokens.issue.mock.calls).toEqual([[STUB_API_KEY_PRINCIPAL, 'admin', 'secret']]);
  });

  describe('the API key and tenant headers, checked before the body', () => {
    afterEach(() => expect(tokens.issue).not.toHaveBeenCalled());

    it.each<[string, Record<string, string>, string[]]>([
      ['X-API-Key', { tenant: API_KEY_HEADERS.tenant }, ['X-API-Key']],
      ['tenant', { 'X-API-Key': API_KEY_HEADERS['X-API-Key'] }, ['tenant']],
      ['either (a blank one counts as missing)', { tenant: '   ' }, ['X-API-Key', 'tenant']],
    ])('400 BAD_REQUEST without %s', async (_label, headers, missing) => {
      const response = await post(LOGIN, headers);
      expect({ status: response.status, body: response.body as unknown }).toEqual({
        status: 400,
        body: missingHeaders(...missing),
      });
    });

    it('looks at no body before the credentials: without them, any body is the 400 of the headers', async () => {
      const response = await app.http.post(PATH).set('Content-Type', 'text/plain').send('{');
      expect(response.status).toBe(400);
      expect(response.body).toEqual(missingHeaders('X-API-Key', 'tenant'));
    });

    it('401 UNAUTHORIZED for an API key the store does not know', async () => {
      const response = await post(LOGIN, { ...API_KEY_HEADERS, 'X-API-Key': 'fh_unknown' });
      expect({ status: response.status, body: response.body as unknown }).toEqual({
        status: 401,
        body: UNAUTHORIZED,
      });
    });
  });

  describe('the body: 400 or 415, no token asked for', () => {
    afterEach(() => expect(tokens.issue).not.toHaveBeenCalled());

    it('rejects an unknown body property (400 VALIDATION_ERROR naming it)', async () => {
      const response = await post({ ...LOGIN, admin: true });
      expect(response.status).toBe(400);
      expect(response.body).toEqual(
        errorEnvelope('VALIDATION_ERROR', 'The request is invalid', [
          { field: 'admin', message: 'property admin should not exist' },
        ]),
      );
    });

    it('rejects a missing password (400 VALIDATION_ERROR naming it)', async () => {
      const response = await post({ username: 'admin' });
      expect(response.status).toBe(400);
      expect(response.body).toEqual(
        errorEnvelope('VALIDATION_ERROR', 'The request is invalid', [
          {
            field: 'password',
            message: 'password must be shorter than or equal to 200 characters',
          },
          { field: 'password', message: 'password must be longer than or equal to 1 characters' },
          { field: 'password', message: 'password must be a string' },
        ]),
      );
    });

    it('rejects a username that is not a string (400 VALIDATION_ERROR)', async () => {
      const response = await post({ username: 42, password: 'secret' });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        success: false,
        error: { code: 'VALIDATION_ERROR', message: 'The request is invalid' },
        meta: {},
      });
      const details = (response.body as { error: { details: { field: string }[] } }).error.details;
      expect(details.map((issue) => issue.field)).toEqual(details.map(() => 'username'));
      expect(details).toContainEqual({ field: 'username', message: 'username must be a string' });
    });

    it('answers malformed JSON with 400 VALIDATION_ERROR in the envelope', async () => {
      const response = await app.http
        .post(PATH)
        .set({ ...API_KEY_HEADERS, 'Content-Type': 'application/json' })
        .send('{"username": "admin", "password": ');
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.body).toEqual(
        errorEnvelope('VALIDATION_ERROR', 'The request body is not valid JSON'),
      );
    });

    it('answers a text/plain body with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
      const response = await app.http
        .post(PATH)
        .set({ ...API_KEY_HEADERS, 'Content-Type': 'text/plain' })
        .send('username=admin');
      expect(response.status).toBe(415);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.body).toEqual(
        errorEnvelope(
          'UNSUPPORTED_MEDIA_TYPE',
          'Content-Type must be application/json (UTF-8) (got "text/plain")',
        ),
      );
    });

    it('answers a form-encoded body on the JSON API with 415 too', async () => {
      const response = await app.http.post(PATH).set(API_KEY_HEADERS).type('form').send(LOGIN);
      expect(response.status).toBe(415);
      expect(response.body).toEqual(
        errorEnvelope(
          'UNSUPPORTED_MEDIA_TYPE',
          'Content-Type must be application/json (UTF-8) (got "application/x-www-form-urlencoded")',
        ),
      );
    });

    it('carries the request id on these answers too', async () => {
      const response = await app.http
        .post(PATH)
        .set({ ...API_KEY_HEADERS, 'Content-Type': 'application/json', 'X-Request-Id': 'bad-1' })
        .send('{');
      expect(response.status).toBe(400);
      expect(response.headers['x-request-id']).toBe('bad-1');
      const generated = await app.http.post(PATH).set(API_KEY_HEADERS).type('text').send('x');
      expect(generated.status).toBe(415);
      expect(generated.headers['x-request-id']).toMatch(UUID);
    });
  });
});

import { createHmac } from 'node:crypto';
import { JsonBodyGuard } from '../../src/common/http/json-body.guard';
import { CommandStatusService } from '../../src/wireless/commands/command-status.service';
import { DeviceCommandsService } from '../../src/wireless/commands/device-commands.service';
import { GatewaySignatureGuard } from '../../src/wireless/commands/gateway/gateway-signature.guard';
import { GatewayController } from '../../src/wireless/commands/gateway/gateway.controller';
import { createContractApp, type ContractApp } from './contract-app';
import { twilioError } from '../utils/twilio-answers';

const SECRET = 'the-gateway-secret-of-the-contract!!';
const RECEIPTS = '/wireless/gateway/receipts';
const MESSAGES = '/wireless/gateway/messages';
const COMMAND_SID = `DC${'ab'.repeat(16)}`;

function signed(body: string, timestamp = Math.floor(Date.now() / 1000)) {
  const digest = createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex');
  return {
    'X-FleetHub-Timestamp': String(timestamp),
    'X-FleetHub-Signature': `sha256=${digest}`,
  };
}

const refusal = (status: number, code: number, message: string) => ({
  status,
  body: twilioError(status, code, message),
});

describe('the HTTP gateway inbound routes (contract)', () => {
  let app: ContractApp;
  let status: jest.Mocked<CommandStatusService>;
  let deviceCommands: jest.Mocked<DeviceCommandsService>;

  beforeAll(async () => {
    app = await createContractApp(GatewayController, {
      env: {
        COMMANDS_HTTP_GATEWAY_URL: 'http://gateway.invalid/commands',
        COMMANDS_HTTP_GATEWAY_SECRET: SECRET,
        BODY_LIMIT_BYTES: '2048',
      },
      providers: [JsonBodyGuard, GatewaySignatureGuard],
      mocks: [CommandStatusService, DeviceCommandsService],
    });
    status = app.mock(CommandStatusService);
    deviceCommands = app.mock(DeviceCommandsService);
  });
  afterAll(() => app.close());
  beforeEach(() => app.resetMocks());

  const post = (path: string, body: string, headers: Record<string, string> = signed(body)) =>
    app.http
      .post(path)
      .set({ 'Content-Type': 'application/json', ...headers })
      .send(body);
  const answer = async (request: ReturnType<typeof post>) => {
    const response = await request;
    return { status: response.status, body: response.body as unknown };
  };

  describe('a request not signed with the secret, now, over its bytes: 401, nothing done', () => {
    afterEach(() => {
      expect(status.receipt).not.toHaveBeenCalled();
      expect(deviceCommands.receive).not.toHaveBeenCalled();
    });
    const body = JSON.stringify({ command_sid: COMMAND_SID, status: 'delivered' });

    it.each<[string, Record<string, string>, string]>([
      ['no signature', {}, 'X-FleetHub-Timestamp and X-FleetHub-Signature are required'],
      [
        'a timestamp in milliseconds',
        { ...signed(body), 'X-FleetHub-Timestamp': String(Date.now()) },
        'X-FleetHub-Timestamp must be Unix seconds',
      ],
      [
        'a signature six minutes old',
        signed(body, Math.floor(Date.now() / 1000) - 360),
        "X-FleetHub-Timestamp is more than 300 s away from the server's clock",
      ],
      [
        'a signature of another scheme',
        { ...signed(body), 'X-FleetHub-Signature': `sha1=${'0'.repeat(40)}` },
        'X-FleetHub-Signature must be sha256=<64 hex digits>',
      ],
      [
        'the signature of other bytes',
        signed(`${body}\n`),
        'X-FleetHub-Signature does not sign this request',
      ],
    ])('%s', async (_label, headers, why) => {
      expect(await answer(post(RECEIPTS, body, headers))).toEqual(
        refusal(401, 20003, `Authentication Error - ${why}`),
      );
    });
  });

  it('reads a signed body by the rules of every JSON body: 415, 413, 400 in Twilio’s format', async () => {
    const text = 'not json';
    expect(
      await answer(
        app.http
          .post(RECEIPTS)
          .set({ 'Content-Type': 'text/plain', ...signed(text) })
          .send(text),
      ),
    ).toMatchObject({ status: 415, body: { code: 20415 } });
    const large = JSON.stringify({ padding: 'x'.repeat(4096) });
    expect(await answer(post(RECEIPTS, large))).toMatchObject({
      status: 413,
      body: { code: 20413 },
    });
    expect(await answer(post(RECEIPTS, '{"command_sid":'))).toMatchObject({
      status: 400,
      body: { code: 20001 },
    });
  });

  it('hands a valid receipt on, unknown fields ignored, and answers the status it leaves', async () => {
    status.receipt.mockResolvedValue('delivered');
    const body = JSON.stringify({ command_sid: COMMAND_SID, status: 'delivered', carrier: 'x' });
    expect(
      await answer(post(RECEIPTS, body, { ...signed(body), 'X-Request-Id': 'receipt-1' })),
    ).toEqual({ status: 200, body: { command_sid: COMMAND_SID, status: 'delivered' } });
    expect(status.receipt).toHaveBeenCalledWith(COMMAND_SID, 'delivered', 'receipt-1');
  });

  it('refuses a receipt naming its bad field', async () => {
    for (const [document, message] of [
      [{ status: 'delivered' }, 'Invalid parameter command_sid: command_sid must be a Command SID'],
      [
        { command_sid: COMMAND_SID, status: 'read' },
        'Invalid parameter status: status must be one of the following values: delivered, failed',
      ],
      [[], 'The body must be a JSON object'],
    ] as const) {
      expect(await answer(post(RECEIPTS, JSON.stringify(document)))).toEqual(
        refusal(400, 20001, message),
      );
    }
    expect(status.receipt).not.toHaveBeenCalled();
  });

  it('hands a device message on as bytes in its mode, and refuses a payload that is not', async () => {
    deviceCommands.receive.mockResolvedValue({ kind: 'unknown-sim' });
    const text = JSON.stringify({ iccid: '8901', message_id: 'm-1', payload: 'hi ✓' });
    expect(await answer(post(MESSAGES, text))).toEqual(
      refusal(404, 33107, 'SIM not found: no Sim has ICCID 8901'),
    );
    expect(deviceCommands.receive).toHaveBeenCalledWith({
      iccid: '8901',
      payload: Buffer.from('hi ✓'),
      commandMode: 'text',
      messageId: 'm-1',
      requestId: expect.any(String) as unknown,
    });

    const binary = JSON.stringify({
      iccid: '8901',
      message_id: 'm-2',
      payload: 'AP8=',
      command_mode: 'binary',
    });
    await post(MESSAGES, binary);
    expect(deviceCommands.receive).toHaveBeenLastCalledWith(
      expect.objectContaining({ payload: Buffer.from([0, 255]), commandMode: 'binary' }),
    );

    deviceCommands.receive.mockClear();
    const unstorable = JSON.stringify({ iccid: '8901', message_id: 'm-3', payload: 'a\u0000' });
    expect(await answer(post(MESSAGES, unstorable))).toEqual(
      refusal(400, 20001, 'Invalid parameter payload: must not contain NUL or unpaired surrogates'),
    );
    const noId = JSON.stringify({ iccid: '8901', payload: 'x' });
    expect(await answer(post(MESSAGES, noId))).toMatchObject({
      status: 400,
      body: { code: 20001, message: expect.stringContaining('message_id') as unknown },
    });
    expect(deviceCommands.receive).not.toHaveBeenCalled();
  });
});

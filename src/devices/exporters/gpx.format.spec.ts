import { Readable } from 'node:stream';
import type { PositionDto } from '../dto/position.response';
import { GPX_FORMAT } from './gpx.format';

const POSITION: PositionDto = {
  recordedAt: '2026-04-04T14:30:00.000Z',
  receivedAt: '2026-04-04T14:30:01.217Z',
  eventcode: '101',
  fix: true,
  lat: -34.6037,
  lon: -58.3816,
  altitude: null,
  speed: null,
  heading: null,
  satellites: null,
  ignition: null,
  accuracy: null,
  odometer: null,
  horometer: null,
  address: null,
  temperature: null,
  battery: null,
  source: 'telemetry',
  extra: null,
};

async function render(deviceId: string, positions: PositionDto[]): Promise<string> {
  let text = '';
  for await (const piece of GPX_FORMAT.render(deviceId, () => Readable.from([positions])))
    text += piece;
  return text;
}

/**
 * Characters outside XML 1.0's `Char` production (tab, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD,
 * U+10000–U+10FFFF): one of them anywhere makes the document not well-formed.
 */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

describe('GPX_FORMAT', () => {
  it.each([
    ['C0 controls', '\u0001\u0008\u000b\u000c\u001f', '\uFFFD'.repeat(5)],
    ['NUL', 'a\u0000b', 'a\uFFFDb'],
    ['a lone high surrogate', 'a\uD83Db', 'a\uFFFDb'],
    ['a lone low surrogate', 'a\uDE00b', 'a\uFFFDb'],
    ['the noncharacters U+FFFE and U+FFFF', '\uFFFE\uFFFF', '\uFFFD\uFFFD'],
  ])(
    'replaces %s in the device id and event code, which XML 1.0 forbids',
    async (_, bad, shown) => {
      const text = await render(`dev${bad}`, [{ ...POSITION, eventcode: `1${bad}` }]);
      expect(text).not.toMatch(NOT_XML_CHAR);
      expect(text).toContain(`<name>dev${shown}</name>`);
      expect(text).toContain(`<type>1${shown}</type>`);
    },
  );

  it('keeps what XML allows: tab, line breaks, astral characters, escaped markup', async () => {
    const text = await render('a\tb\nc 🚚 <&>"\'', [POSITION]);
    expect(text).toContain('<name>a\tb\nc 🚚 &lt;&amp;&gt;&quot;&apos;</name>');
  });
});

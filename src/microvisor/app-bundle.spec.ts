import { createHash } from 'node:crypto';
import { buildBundle } from '../../test/factories/bundle.factory';
import { InvalidBundle, digestBundle, type ManifestEntry } from './app-bundle';

const BOUNDS = { maxEntries: 100, maxUnpackedBytes: 1024 * 1024 };
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const entriesOf = (manifest: Buffer) =>
  (JSON.parse(manifest.toString('utf8')) as { entries: ManifestEntry[] }).entries;

async function refusal(bundle: Buffer, bounds = BOUNDS): Promise<string> {
  try {
    await digestBundle(bundle, bounds);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidBundle);
    return (error as Error).message;
  }
  throw new Error('the bundle was accepted');
}

describe('digestBundle', () => {
  const image = Buffer.from('\x7fELF firmware image '.repeat(200), 'latin1');
  const config = '{"name":"tracker"}';

  it('hashes the bundle and lists its files with sizes and SHA-256, in zip order, without directories', async () => {
    const bundle = await buildBundle([
      ['app.bin', image],
      ['conf/', ''],
      ['conf/app.json', config],
    ]);
    const digest = await digestBundle(bundle, BOUNDS);
    expect(digest.hash).toBe(`sha256:${sha256(bundle)}`);
    expect(entriesOf(digest.manifest)).toEqual([
      { name: 'app.bin', size: image.length, sha256: sha256(image) },
      { name: 'conf/app.json', size: config.length, sha256: sha256(config) },
    ]);
  });

  it('takes stored (uncompressed) files and an empty zip alike', async () => {
    const stored = await buildBundle([['app.bin', image]], { compress: false });
    expect(entriesOf((await digestBundle(stored, BOUNDS)).manifest)).toEqual([
      { name: 'app.bin', size: image.length, sha256: sha256(image) },
    ]);
    const empty = await buildBundle([]);
    expect(entriesOf((await digestBundle(empty, BOUNDS)).manifest)).toEqual([]);
  });

  it('gives the same manifest for the same files, whatever the compression', async () => {
    const files: [string, Buffer][] = [['app.bin', image]];
    const deflated = await digestBundle(await buildBundle(files), BOUNDS);
    const stored = await digestBundle(await buildBundle(files, { compress: false }), BOUNDS);
    expect(stored.manifest).toEqual(deflated.manifest);
    expect(stored.hash).not.toBe(deflated.hash);
  });

  it.each([
    ['text', Buffer.from('this is not a zip')],
    ['nothing', Buffer.alloc(0)],
    ['a gzip stream', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03])],
  ])('refuses %s as not a zip archive', async (_case, bytes) => {
    expect(await refusal(bytes)).toMatch(/^The bundle is not a zip archive: /);
  });

  it('refuses a zip cut short', async () => {
    const bundle = await buildBundle([['app.bin', image]]);
    expect(await refusal(bundle.subarray(0, bundle.length - 30))).toMatch(
      /^The bundle is not a zip archive: /,
    );
  });

  it('refuses a stored file whose bytes were changed (CRC-32)', async () => {
    const bundle = await buildBundle([['app.bin', 'AAAA-payload-AAAA']], { compress: false });
    const at = bundle.indexOf('payload');
    bundle[at] = 'P'.charCodeAt(0);
    expect(await refusal(bundle)).toBe('app.bin does not match its CRC-32: the zip is corrupt');
  });

  it('refuses a deflated file whose compressed bytes were changed', async () => {
    const bundle = await buildBundle([['app.bin', image]]);
    // The file's data follows its 30-byte local header and its name.
    const dataStart = 30 + 'app.bin'.length;
    for (let i = dataStart + 2; i < dataStart + 12; i++) bundle[i] ^= 0xff;
    expect(await refusal(bundle)).toMatch(/^(The bundle is not a valid zip archive: |app\.bin )/);
  });

  it('refuses a file whose path leaves the archive', async () => {
    const bundle = await buildBundle([['xx/evil.bin', 'payload']]);
    // The name is in the local header and in the central directory: change both.
    for (let at = bundle.indexOf('xx/evil'); at >= 0; at = bundle.indexOf('xx/evil', at)) {
      bundle.write('../evi', at, 'latin1');
    }
    expect(await refusal(bundle)).toMatch(/^The bundle is not a valid zip archive: .*\.\.\/evil/);
  });

  it('refuses an encrypted file: its bytes cannot be hashed', async () => {
    const bundle = await buildBundle([['app.bin', 'payload']]);
    // Bit 0 of the general purpose flags (local header at 6, central directory header at 8).
    bundle[6] |= 1;
    bundle[bundle.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 8] |= 1;
    expect(await refusal(bundle)).toMatch(/^The bundle is not a valid zip archive: .*encrypted/);
  });

  it('refuses more entries than the bound, naming it', async () => {
    const bundle = await buildBundle([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
    ]);
    expect(await refusal(bundle, { ...BOUNDS, maxEntries: 2 })).toBe(
      'The bundle holds 3 entries: at most 2 are accepted',
    );
  });

  it('refuses a bundle that would unpack past the bound, from what the zip declares', async () => {
    const zeros = Buffer.alloc(4 * 1024 * 1024);
    const bundle = await buildBundle([['zeros.bin', zeros]]);
    expect(bundle.length).toBeLessThan(16 * 1024);
    expect(await refusal(bundle)).toBe(
      `The bundle unpacks to more than ${BOUNDS.maxUnpackedBytes} bytes, the most accepted`,
    );
  });
});

import { ZipFile } from 'yazl';

/** A file of a bundle: its path in the zip and its bytes. */
export type BundleFile = [name: string, content: Buffer | string];

/**
 * A zip as an app bundle, built in memory with yazl: the files in order (deflated unless told),
 * and empty directories when listed (their names end with `/`).
 */
export function buildBundle(
  files: BundleFile[],
  options: { compress?: boolean } = {},
): Promise<Buffer> {
  const zip = new ZipFile();
  for (const [name, content] of files) {
    if (name.endsWith('/')) zip.addEmptyDirectory(name.slice(0, -1));
    else zip.addBuffer(Buffer.from(content), name, { compress: options.compress ?? true });
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

/** A small bundle that any upload takes: an app image and its description. */
export const sampleBundle = (tag = 'v1'): Promise<Buffer> =>
  buildBundle([
    ['app.bin', Buffer.from(`firmware ${tag} `.repeat(64))],
    ['app.json', JSON.stringify({ name: 'sample', tag })],
  ]);

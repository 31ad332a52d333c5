import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { fromBufferPromise, type Entry, type ZipFile } from 'yauzl';

/** A bundle that cannot be an App: its message says why, for the uploader to read. */
export class InvalidBundle extends Error {}

/** One file of a bundle, as its manifest lists it. */
export interface ManifestEntry {
  /** The path inside the zip, as the zip names it (`/`-separated). */
  name: string;
  /** Bytes once unpacked. */
  size: number;
  /** SHA-256 of the unpacked bytes, in lowercase hex. */
  sha256: string;
}

/** What an App keeps of its bundle beside the bytes. */
export interface BundleDigest {
  /** `sha256:<hex>` of the bundle's bytes as uploaded (Twilio's `<algorithm>:<value>` form). */
  hash: string;
  /** UTF-8 JSON `{"entries":[ManifestEntry, ...]}`, the files in the zip's order. */
  manifest: Buffer;
}

/**
 * What reading a bundle may cost. Both are checked on what the zip declares before anything is
 * inflated (yauzl then holds every entry to its declared size), so a small zip that would unpack
 * to gigabytes is refused without unpacking it.
 */
export interface BundleBounds {
  maxEntries: number;
  maxUnpackedBytes: number;
}

const causeOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** SHA-256 and CRC-32 of an entry's unpacked bytes, streamed: nothing is written anywhere. */
async function digestEntry(stream: Readable): Promise<{ sha256: string; crc: number }> {
  const hash = createHash('sha256');
  let crc = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    crc = crc32(chunk, crc);
  }
  return { sha256: hash.digest('hex'), crc };
}

async function manifestEntry(zip: ZipFile, entry: Entry): Promise<ManifestEntry> {
  const { sha256, crc } = await digestEntry(await zip.openReadStreamPromise(entry));
  // yauzl checks sizes, not checksums: a corrupted entry would otherwise pass.
  if (crc !== entry.crc32) {
    throw new InvalidBundle(`${entry.fileName} does not match its CRC-32: the zip is corrupt`);
  }
  return { name: entry.fileName, size: entry.uncompressedSize, sha256 };
}

/**
 * Reads an uploaded bundle in memory: any zip is a bundle, so long as every file in it unpacks
 * to what the zip says (size and CRC-32). Its manifest lists its files (directories, which hold
 * no bytes, are left out) with their sizes and SHA-256, in the zip's order. An archive that is
 * not a zip, is corrupt, or holds what yauzl will not read (an encrypted file, a path leaving
 * the archive) is an `InvalidBundle`.
 */
export async function digestBundle(bundle: Buffer, bounds: BundleBounds): Promise<BundleDigest> {
  let zip: ZipFile;
  try {
    zip = await fromBufferPromise(bundle, { validateEntrySizes: true });
  } catch (error) {
    throw new InvalidBundle(`The bundle is not a zip archive: ${causeOf(error)}`);
  }
  try {
    if (zip.entryCount > bounds.maxEntries) {
      throw new InvalidBundle(
        `The bundle holds ${zip.entryCount} entries: at most ${bounds.maxEntries} are accepted`,
      );
    }
    const entries: ManifestEntry[] = [];
    let unpacked = 0;
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith('/')) continue;
      unpacked += entry.uncompressedSize;
      if (unpacked > bounds.maxUnpackedBytes) {
        throw new InvalidBundle(
          `The bundle unpacks to more than ${bounds.maxUnpackedBytes} bytes, the most accepted`,
        );
      }
      entries.push(await manifestEntry(zip, entry));
    }
    return {
      hash: `sha256:${createHash('sha256').update(bundle).digest('hex')}`,
      manifest: Buffer.from(JSON.stringify({ entries }), 'utf8'),
    };
  } catch (error) {
    if (error instanceof InvalidBundle) throw error;
    throw new InvalidBundle(`The bundle is not a valid zip archive: ${causeOf(error)}`);
  } finally {
    zip.close();
  }
}

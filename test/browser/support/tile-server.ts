import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32, deflateSync } from 'node:zlib';

/** A PNG chunk: length, type, data, and the CRC of type and data. */
function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** A 256×256 tile of one light colour (8-bit RGB, each row led by filter byte 0). */
function plainTile(): Buffer {
  const size = 256;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([
    Buffer.from([0]),
    Buffer.alloc(size * 3, Buffer.from([232, 236, 228])),
  ]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(Array.from({ length: size }, () => row)))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export interface TileServer {
  /** `http://127.0.0.1:<port>`: another origin than the app's. */
  readonly origin: string;
  /** The URL template to configure as DASHBOARD_TILE_URL. */
  readonly template: string;
  /** Tiles served so far. */
  readonly served: number;
}

/**
 * A map tile server of the test's own, on another port of 127.0.0.1 (so another origin than
 * the app's), for the `describe` it is used in: every `/tiles/{z}/{x}/{y}.png` is a plain tile.
 */
export function useTileServer(): TileServer {
  const tile = plainTile();
  let server: Server | undefined;
  let origin = '';
  let served = 0;
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (!/^\/tiles\/\d+\/\d+\/\d+\.png$/.test(request.url ?? '')) {
        response.writeHead(404).end();
        return;
      }
      served++;
      response.writeHead(200, { 'content-type': 'image/png', 'content-length': tile.length });
      response.end(tile);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  });
  return {
    get origin() {
      return origin;
    },
    get template() {
      return `${origin}/tiles/{z}/{x}/{y}.png`;
    },
    get served() {
      return served;
    },
  };
}

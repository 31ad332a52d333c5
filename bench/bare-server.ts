import { createServer } from 'node:http';

/**
 * The baseline of the ingest benchmark: a bare node:http server that reads, parses and answers
 * the same requests FleetHub does, and nothing else.
 */
const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const points = body ? (JSON.parse(body) as unknown[]) : [];
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(
      JSON.stringify({
        success: true,
        data: { accepted: points.length, rejected: 0, status: 'OK' },
        meta: {},
      }),
    );
  });
});
server.listen(Number(process.argv[2] ?? 3999), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));

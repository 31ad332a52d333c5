import type { ClientBase, Connection, Submittable } from 'pg';

/** The frontend messages of a COPY whose rows are all at hand: Query, CopyData, CopyDone. */
function copyMessages(sql: string, rows: string): Buffer {
  const sqlBytes = Buffer.byteLength(sql);
  const rowBytes = Buffer.byteLength(rows);
  const buffer = Buffer.allocUnsafe(1 + 4 + sqlBytes + 1 + (1 + 4 + rowBytes) + (1 + 4));
  let at = buffer.writeUInt8(0x51, 0); // 'Q'
  at = buffer.writeInt32BE(4 + sqlBytes + 1, at);
  at += buffer.write(sql, at);
  at = buffer.writeUInt8(0, at);
  at = buffer.writeUInt8(0x64, at); // 'd'
  at = buffer.writeInt32BE(4 + rowBytes, at);
  at += buffer.write(rows, at);
  at = buffer.writeUInt8(0x63, at); // 'c'
  buffer.writeInt32BE(4, at);
  return buffer;
}

/**
 * A COPY … FROM STDIN of rows all at hand, sent as one write: the query, the rows and the end of
 * the copy, without waiting for PostgreSQL to ask for the rows. That saves a round trip and two
 * writes on every copy, which a copy stream (pg-copy-streams) spends. If the statement fails
 * before or while reading the rows, PostgreSQL drops the copy messages that follow, as the
 * protocol specifies.
 */
class CopyFromStdin implements Submittable {
  constructor(
    private readonly sql: string,
    private readonly rows: string,
    private readonly settle: (error?: Error) => void,
  ) {}

  submit(connection: Connection): void {
    connection.stream.write(copyMessages(this.sql, this.rows));
  }

  /** Set by `pg` when the client has a query timeout, and called here to clear it. */
  callback(): void {}

  handleCopyInResponse(): void {
    // The rows are already on their way.
  }

  handleCommandComplete(): void {}

  handleError(error: Error): void {
    // `pg` makes the query inactive on an error: no handleReadyForQuery follows.
    this.callback();
    this.settle(error);
  }

  handleReadyForQuery(): void {
    this.callback();
    this.settle();
  }
}

/**
 * Runs `sql`, a COPY … FROM STDIN possibly followed by more statements (a COMMIT), with `rows` in
 * COPY's text format; resolves once every statement has run.
 */
export function copyFromStdin(client: ClientBase, sql: string, rows: string): Promise<void> {
  return new Promise((resolve, reject) => {
    client.query(new CopyFromStdin(sql, rows, (error) => (error ? reject(error) : resolve())));
  });
}

// A TCP proxy between a client and PostgreSQL that can hold back PostgreSQL's answer to one
// COMMIT: the transaction is committed, but its writer does not know yet, as when the reply
// is slow on the network. Everything else passes straight through. It can also cut the
// client off from the database altogether, and let it back.
import { connect, createServer, type Socket } from 'node:net';

export interface CommitDelayProxy {
  /** The database URL with the proxy in between. */
  readonly url: string;
  /**
   * Holds the reply to the next COMMIT any client sends. Resolves once PostgreSQL has
   * answered it, that is once the transaction is committed and its writer is kept waiting.
   */
  holdNextCommit(): Promise<void>;
  /** Lets the held reply through. */
  release(): void;
  /** Resets every connection and every new one until `restore`, as a database gone away. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

// Frontend protocol: an untyped startup message (or SSL/GSS request) first, then messages of
// one type byte, a 4-byte length counting itself, and a body. COMMIT arrives as a simple
// query ('Q': text) or, with bound parameters, a Parse ('P': statement name, then text).
const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;

function isCommit(type: string, body: Buffer): boolean {
  let text = '';
  if (type === 'Q') text = body.toString('utf8', 0, body.indexOf(0));
  if (type === 'P') {
    const start = body.indexOf(0) + 1;
    text = body.toString('utf8', start, body.indexOf(0, start));
  }
  return /^\s*commit\b/i.test(text);
}

/** Calls `onCommit` for every COMMIT the client sends, however the bytes are split. */
function commitWatcher(onCommit: () => void): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  let started = false;
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      const header = started ? 5 : 8;
      if (pending.length < header) return;
      const length = started ? pending.readUInt32BE(1) + 1 : pending.readUInt32BE(0);
      if (pending.length < length) return;
      if (started && isCommit(String.fromCharCode(pending[0] ?? 0), pending.subarray(5, length)))
        onCommit();
      if (!started) {
        const code = pending.readUInt32BE(4);
        started = code !== SSL_REQUEST && code !== GSS_REQUEST;
      }
      pending = pending.subarray(length);
    }
  };
}

export async function startCommitDelayProxy(target: string): Promise<CommitDelayProxy> {
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  let armed: (() => void) | undefined;
  let held: { client: Socket; chunks: Buffer[] } | undefined;
  let cut = false;

  const server = createServer((client) => {
    if (cut) {
      client.destroy();
      return;
    }
    const backend = connect(Number(upstream.port), upstream.hostname);
    for (const socket of [client, backend]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        backend.destroy();
      });
    }
    let holdReply: (() => void) | undefined;
    const watch = commitWatcher(() => {
      if (!armed) return;
      holdReply = armed;
      armed = undefined;
    });
    client.on('data', (chunk: Buffer) => {
      backend.write(chunk);
      watch(chunk);
    });
    backend.on('data', (chunk: Buffer) => {
      if (holdReply) {
        held = { client, chunks: [] };
        holdReply();
        holdReply = undefined;
      }
      if (held?.client === client) held.chunks.push(chunk);
      else client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String(typeof address === 'object' && address ? address.port : 0);

  const release = () => {
    const reply = held;
    held = undefined;
    for (const chunk of reply?.chunks ?? []) reply?.client.write(chunk);
  };
  return {
    url: url.toString(),
    holdNextCommit: () => new Promise<void>((resolve) => (armed = resolve)),
    release,
    cut() {
      cut = true;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      cut = false;
    },
    async close() {
      release();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { RemoteVerdict } from '../digest/index.js';
import type { ReplayCheck } from './protocol.js';

// The wire between one host's workers for replay checks. A request carrying a sibling's nonce
// (a client that answered a challenge on another connection, which node:cluster handed to
// another worker) is checked by the worker that issued it. Worker to worker over a Unix socket,
// one short line each way: through the primary's IPC it took four JSON messages and woke three
// processes per check; the primary only tells each worker where its siblings listen.
//
//   request: <id> <issuedAt> <nc> <keyId> <nonce>\n   (nonce base64url, keyId hex: no spaces)
//   answer:  <id> <verdict>\n

const VERDICTS: ReadonlySet<string> = new Set<RemoteVerdict>([
  'accepted',
  'replay',
  'below-window',
  'evicted',
  'foreign',
  'unavailable',
]);
// A line longer than any real check is not from a sibling: the connection is dropped.
const MAX_LINE = 256;

/** Answers siblings' checks of this worker's nonces on `path` until the process ends. */
export function answerSiblings(
  path: string,
  check: (check: ReplayCheck) => RemoteVerdict,
): Promise<Server> {
  const server = createServer((socket) => {
    eachLine(
      socket,
      (line) => {
        const parsed = parseCheck(line);
        return parsed && `${parsed.id} ${check(parsed.check)}\n`;
      },
      // The answers to one read's checks leave in one write.
      (answers) => socket.write(answers),
    );
  });
  // Not a reason to stay alive: a stopping worker exits once its HTTP requests are done.
  server.unref();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/**
 * One connection to one sibling, opened on first use. Whatever ends it (the sibling died or
 * stopped) answers its checks in flight `foreign`: the window that held them is gone, so the
 * client is told stale=true and nothing is accepted unchecked; a later check connects anew.
 */
export class SiblingChannel {
  private socket: Socket | undefined;
  private corked = false;
  private readonly pending = new Map<number, (verdict: RemoteVerdict) => void>();
  private nextId = 1;

  constructor(private readonly path: string) {}

  ask(check: ReplayCheck): Promise<RemoteVerdict> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      const { issuedAt, nc, keyId, nonce } = check;
      const socket = this.connection();
      // Checks asked in one turn of the event loop leave in one write.
      if (!this.corked) {
        this.corked = true;
        socket.cork();
        process.nextTick(() => {
          this.corked = false;
          socket.uncork();
        });
      }
      socket.write(`${id} ${issuedAt} ${nc} ${keyId} ${nonce}\n`);
    });
  }

  close(): void {
    this.socket?.destroy();
  }

  private connection(): Socket {
    if (this.socket) return this.socket;
    const socket = createConnection(this.path);
    socket.on('error', () => {});
    socket.on('close', () => {
      if (this.socket === socket) this.socket = undefined;
      for (const resolve of this.pending.values()) resolve('foreign');
      this.pending.clear();
    });
    eachLine(socket, (line) => {
      const space = line.indexOf(' ');
      const id = Number(line.slice(0, space));
      const verdict = line.slice(space + 1);
      const resolve = this.pending.get(id);
      if (!resolve || !VERDICTS.has(verdict)) return undefined;
      this.pending.delete(id);
      resolve(verdict as RemoteVerdict);
      return '';
    });
    this.socket = socket;
    return socket;
  }
}

/**
 * Calls `take` per complete line and hands what it returned for one read's lines to `reply`;
 * a line it refuses (undefined), or an overlong one, ends the socket.
 */
function eachLine(
  socket: Socket,
  take: (line: string) => string | undefined,
  reply?: (text: string) => void,
): void {
  let buffered = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let replies = '';
    let start = 0;
    for (let end = buffered.indexOf('\n'); end !== -1; end = buffered.indexOf('\n', start)) {
      const answer = take(buffered.slice(start, end));
      if (answer === undefined) {
        socket.destroy();
        return;
      }
      replies += answer;
      start = end + 1;
    }
    buffered = buffered.slice(start);
    if (replies && reply) reply(replies);
    if (buffered.length > MAX_LINE) socket.destroy();
  });
}

function parseCheck(line: string): { id: string; check: ReplayCheck } | undefined {
  const [id, issuedAt, nc, keyId, nonce, extra] = line.split(' ');
  if (extra !== undefined || !keyId || !nonce || !id || !/^\d+$/.test(id)) return undefined;
  const check = { nonce, keyId, issuedAt: Number(issuedAt), nc: Number(nc) };
  if (!Number.isSafeInteger(check.issuedAt) || !Number.isSafeInteger(check.nc)) return undefined;
  return { id, check };
}

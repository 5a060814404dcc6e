import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReplayCheck } from '../../src/cluster/protocol.js';
import { answerSiblings, SiblingChannel } from '../../src/cluster/sibling-channel.js';
import type { RemoteVerdict } from '../../src/digest/index.js';

// Real Unix sockets in a folder of the test's own: the same wire two workers speak.
let dir: string;
const servers: Server[] = [];
const channels: SiblingChannel[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyward-sibling-'));
});
afterEach(async () => {
  for (const channel of channels.splice(0)) channel.close();
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
  rmSync(dir, { recursive: true, force: true });
});

const check = (nc: number): ReplayCheck => ({
  nonce: 'AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYn',
  issuedAt: 1_764_500_000_000,
  nc,
  keyId: '692c1f00a1b2c3d4e5f60718',
});

function channelTo(path: string): SiblingChannel {
  const channel = new SiblingChannel(path);
  channels.push(channel);
  return channel;
}

async function answering(path: string, answer: (c: ReplayCheck) => RemoteVerdict) {
  servers.push(await answerSiblings(path, answer));
}

/** A server that takes connections and never answers: a sibling with checks in flight. */
async function silent(path: string): Promise<Socket[]> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    // Read (and drop) what arrives, so a hang-up is seen and the server can close.
    socket.resume();
    sockets.push(socket);
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(path, done));
  return sockets;
}

describe('the replay check between sibling workers', () => {
  it('carries each check whole and matches every answer to its question', async () => {
    const path = join(dir, '1.sock');
    const seen: ReplayCheck[] = [];
    await answering(path, (c) => {
      seen.push(c);
      return c.nc % 3 === 0 ? 'replay' : c.nc % 3 === 1 ? 'accepted' : 'below-window';
    });
    const channel = channelTo(path);
    const verdicts = await Promise.all(
      Array.from({ length: 300 }, (_, i) => channel.ask(check(i + 1))),
    );
    expect(verdicts).toEqual(
      Array.from({ length: 300 }, (_, i) =>
        (i + 1) % 3 === 0 ? 'replay' : (i + 1) % 3 === 1 ? 'accepted' : 'below-window',
      ),
    );
    expect(seen[41]).toEqual(check(42));
  });

  it('answers foreign when no sibling listens, or when one dies with checks in flight', async () => {
    expect(await channelTo(join(dir, 'nobody.sock')).ask(check(1))).toBe('foreign');

    const path = join(dir, '2.sock');
    const sockets = await silent(path);
    const channel = channelTo(path);
    const inFlight = [channel.ask(check(1)), channel.ask(check(2))];
    await until(() => sockets.length === 1);
    sockets[0]?.destroy();
    expect(await Promise.all(inFlight)).toEqual(['foreign', 'foreign']);
  });

  it('connects anew after its sibling was gone, and drops an answer no sibling would give', async () => {
    const path = join(dir, '3.sock');
    const sockets = await silent(path);
    const channel = channelTo(path);
    const first = channel.ask(check(1));
    await until(() => sockets.length === 1);
    sockets[0]?.write('1 granted\n');
    expect(await first).toBe('foreign');

    await new Promise((done) => servers.pop()?.close(done));
    await answering(path, () => 'accepted');
    expect(await channel.ask(check(2))).toBe('accepted');
  });

  it('hangs up on a line that is not a check, and keeps answering its siblings', async () => {
    const path = join(dir, '4.sock');
    await answering(path, () => 'accepted');
    for (const junk of ['hello\n', '1 2 3\n', `1 x 2 ${check(1).keyId} n\n`, 'a'.repeat(300)]) {
      const raw = createConnection(path);
      const chunks: string[] = [];
      raw.on('data', (chunk) => chunks.push(String(chunk)));
      raw.write(junk);
      await new Promise((done) => raw.on('close', done));
      expect(chunks).toEqual([]);
    }
    expect(await channelTo(path).ask(check(7))).toBe('accepted');
  });
});

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(done()).toBe(true);
}

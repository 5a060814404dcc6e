import { Agent, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/store/sqlite-driver.js';
import { digestAuthorization } from '../support/digest-client.js';
import { ServerProcess } from '../support/server-process.js';
import { startWithUser, storedKeys } from './fixture.js';

interface Answer {
  status: number;
  body: string;
  challenge: string;
}

function send(agent: Agent, url: URL, method: string, body?: string, authorization?: string) {
  return new Promise<Answer>((resolve, reject) => {
    const headers: Record<string, string> = authorization ? { authorization } : {};
    if (body) headers['content-type'] = 'application/json';
    const req = request(url, { agent, method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: text,
          challenge: String(res.headers['www-authenticate'] ?? ''),
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Keeps creating keys over one connection until the server dies; returns the 201 bodies. */
async function creator(
  url: URL,
  username: string,
  key: string,
): Promise<{ id: string; key: string }[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const created: { id: string; key: string }[] = [];
  try {
    const challenge = (await send(agent, url, 'GET')).challenge.split(', Digest')[0] ?? '';
    for (let nc = 1; nc < 100_000; nc++) {
      const authorization = digestAuthorization({
        username,
        password: key,
        method: 'POST',
        uri: url.pathname,
        challenge,
        nc,
      });
      const res = await send(agent, url, 'POST', '{"description":"storm"}', authorization);
      if (res.status === 201) created.push(JSON.parse(res.body));
    }
  } catch {
    // The server was killed: what reached us so far is what counts.
  }
  agent.destroy();
  return created;
}

describe('crash safety', () => {
  it('keeps every key whose 201 reached the client through a kill -9, with an intact database', async () => {
    const f = await startWithUser(['--max-keys-per-user', '10000']);
    const url = new URL(f.keysUrl);
    const storm = Promise.all(Array.from({ length: 8 }, () => creator(url, f.username, f.key)));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await f.server.stop('SIGKILL')).toBe(null);
    const created = (await storm).flat();
    expect(created.length).toBeGreaterThan(50);

    const db = openSqlite(f.server.database);
    expect(db.prepare('pragma integrity_check').all([])).toEqual([{ integrity_check: 'ok' }]);
    const stored = new Set(
      (db.prepare('select id from api_keys').all([]) as { id: string }[]).map((row) => row.id),
    );
    db.close();
    for (const key of created) expect(stored.has(key.id)).toBe(true);

    // And they authenticate after a restart: a sample across the storm.
    const again = await ServerProcess.start([], f.server.database);
    try {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const target = new URL(`${again.url}/api/atlas/v1.0/users/${f.userId}`);
      const challenge = (await send(agent, target, 'GET')).challenge.split(', Digest')[0] ?? '';
      const sample = created.filter((_, i) => i % Math.ceil(created.length / 40) === 0);
      let nc = 0;
      for (const key of sample) {
        const authorization = digestAuthorization({
          username: f.username,
          password: key.key,
          method: 'GET',
          uri: target.pathname,
          challenge,
          nc: ++nc,
        });
        expect((await send(agent, target, 'GET', undefined, authorization)).status).toBe(200);
      }
      agent.destroy();
    } finally {
      await again.stop();
      await f.cleanup();
    }
  }, 60_000);

  it('loses no usage count older than one flush interval when killed', async () => {
    const f = await startWithUser(['--usage-flush-interval', '200']);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const target = new URL(`${f.server.url}/api/atlas/v1.0/users/${f.userId}`);
    const challenge = (await send(agent, target, 'GET')).challenge.split(', Digest')[0] ?? '';
    for (let nc = 1; nc <= 30; nc++) {
      const authorization = digestAuthorization({
        username: f.username,
        password: f.key,
        method: 'GET',
        uri: target.pathname,
        challenge,
        nc,
      });
      expect((await send(agent, target, 'GET', undefined, authorization)).status).toBe(200);
    }
    agent.destroy();
    await new Promise((resolve) => setTimeout(resolve, 600)); // three intervals
    await f.server.stop('SIGKILL');
    expect(storedKeys(f)[0]?.usedCount).toBe(30);
    await f.cleanup();
  });
});

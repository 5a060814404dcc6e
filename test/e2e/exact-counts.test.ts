import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { dialects, freshDatabase } from '../support/databases.js';
import { digestAuthorization } from '../support/digest-client.js';
import { keywardJson, ServerProcess } from '../support/server-process.js';

const TOTAL = 20_000;
const CLIENTS = 50;
const BIN = new URL('../../bin/keyward.js', import.meta.url).pathname;

function get(agent: Agent, url: URL, authorization?: string) {
  return new Promise<{ status: number; challenge: string }>((resolve, reject) => {
    const req = request(url, { agent, headers: authorization ? { authorization } : {} }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          challenge: String(res.headers['www-authenticate'] ?? ''),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** One keep-alive connection: one challenge, then nc = 1, 2, 3, … as Python requests does. */
async function client(url: URL, username: string, key: string, count: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let ok = 0;
  let challenge = (await get(agent, url)).challenge.split(', Digest')[0] ?? '';
  for (let nc = 1; nc <= count; nc++) {
    const authorization = digestAuthorization({
      username,
      password: key,
      method: 'GET',
      uri: url.pathname,
      challenge,
      nc,
    });
    const res = await get(agent, url, authorization);
    if (res.status === 200) ok++;
    else if (res.status === 401 && res.challenge)
      challenge = res.challenge.split(', Digest')[0] ?? challenge;
  }
  agent.destroy();
  return ok;
}

/** The CLI, as an administrator would run it, writing to the same database meanwhile. */
function cli(args: string[]): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: 'ignore' });
    child.on('exit', resolve);
  });
}

describe.each(dialects)('exact usage counts under load on %s', (dialect) => {
  it(`${TOTAL} requests from ${CLIENTS} clients, then SIGTERM: usedCount equals the 200s`, async () => {
    const fresh = await freshDatabase(dialect);
    const db = ['--database', fresh.database];
    try {
      keywardJson(['migrate', ...db]);
      const org = keywardJson<{ id: string }>(['orgs', 'create', '--name', 'Load', ...db]);
      keywardJson(['users', 'create', '--username', 'load', '--org', org.id, ...db]);
      keywardJson(['users', 'create', '--username', 'admin-side', ...db]);
      const key = keywardJson<{ key: string }>([
        'keys',
        'create',
        '--username',
        'load',
        '--description',
        'l',
        ...db,
      ]);
      const users = keywardJson<{ results: { id: string; username: string }[] }>([
        'users',
        'list',
        ...db,
      ]);
      const userId = users.results.find((u) => u.username === 'load')?.id ?? '';
      const server = await ServerProcess.start([], fresh.database);
      const url = new URL(`${server.url}/api/atlas/v1.0/users/${userId}`);

      const load = Promise.all(
        Array.from({ length: CLIENTS }, () => client(url, 'load', key.key, TOTAL / CLIENTS)),
      );
      // Meanwhile the CLI creates keys for another user in the same database.
      const writes: (number | null)[] = [];
      for (let i = 0; i < 5; i++) {
        writes.push(
          await cli([
            'keys',
            'create',
            '--username',
            'admin-side',
            '--description',
            `w${i}`,
            ...db,
          ]),
        );
      }
      const ok = (await load).reduce((a, b) => a + b, 0);
      expect(writes).toEqual([0, 0, 0, 0, 0]);
      expect(ok).toBe(TOTAL);
      expect(await server.stop()).toBe(0);

      const keys = keywardJson<{ results: { usedCount: number }[] }>([
        'keys',
        'list',
        '--username',
        'load',
        ...db,
      ]);
      expect(keys.results[0]?.usedCount).toBe(ok);
      const others = keywardJson<{ totalCount: number }>([
        'keys',
        'list',
        '--username',
        'admin-side',
        ...db,
      ]);
      expect(others.totalCount).toBe(5);
    } finally {
      await fresh.cleanup();
    }
  }, 120_000);
});

import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { digestAuthorization } from '../support/digest-client.js';
import { keyward, keywardJson } from '../support/server-process.js';
import { type Fixture, startWithUser } from './fixture.js';

interface Answer {
  readonly status: number;
  readonly challenge: string;
  readonly location: string;
}

function send(
  agent: Agent,
  url: string,
  options: { authorization?: string; method?: string; body?: string; cookie?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.authorization) headers.authorization = options.authorization;
  if (options.cookie) headers.cookie = options.cookie;
  if (options.body) headers['content-type'] = 'application/x-www-form-urlencoded';
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, method: options.method ?? 'GET', headers }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          challenge: String(res.headers['www-authenticate'] ?? '').split(', Digest')[0] ?? '',
          location: String(res.headers.location ?? ''),
        }),
      );
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Keep-alive connections, one socket each: node:cluster hands them to the workers in turn. */
const connections = (count: number) =>
  Array.from({ length: count }, () => new Agent({ keepAlive: true, maxSockets: 1 }));

/** The pids that logged a request (the access log, at debug): which workers served. */
function servingPids(output: readonly string[]): Set<number> {
  const pids = new Set<number>();
  for (const line of output.join('').split('\n')) {
    if (!line.includes('"msg":"request"')) continue;
    const pid = /"pid":(\d+)/.exec(line)?.[1];
    if (pid) pids.add(Number(pid));
  }
  return pids;
}

function workerPids(output: readonly string[]): number[] {
  return output
    .join('')
    .split('\n')
    .filter((line) => line.includes('keyward worker is serving'))
    .map((line) => Number(/"pid":(\d+)/.exec(line)?.[1]));
}

/**
 * Two workers with the access log on (it names the pid that served). "serving on" is
 * printed when the first worker listens: the tests wait for both.
 */
async function startWorkers(...args: string[]): Promise<Fixture> {
  const fixture = await startWithUser(['--log-level', 'debug', '--workers', '2', ...args]);
  await expect.poll(() => workerPids(fixture.server.output).length, { timeout: 20_000 }).toBe(2);
  return fixture;
}

/** A challenge on `agent`'s connection, then `count` requests answering it with nc 1, 2, … */
async function authenticated(
  fixture: Fixture,
  agent: Agent,
  url: string,
  password: string,
  count = 1,
) {
  const challenge = (await send(agent, url)).challenge;
  const statuses: number[] = [];
  for (let nc = 1; nc <= count; nc++) {
    const authorization = digestAuthorization({
      username: fixture.username,
      password,
      method: 'GET',
      uri: new URL(url).pathname,
      challenge,
      nc,
    });
    statuses.push((await send(agent, url, { authorization })).status);
  }
  return statuses;
}

/** The folder of a worker's sibling sockets, as its primary forked it (its environment). */
function siblingSocketsFolder(pid: number | undefined): string {
  const environ = readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');
  const dir = environ.find((entry) => entry.startsWith('KEYWARD_SIBLING_DIR='))?.split('=')[1];
  if (!dir) throw new Error(`worker ${pid} has no KEYWARD_SIBLING_DIR`);
  return dir;
}

describe('keyward serve --workers 2', () => {
  let fixture: Fixture | undefined;
  afterEach(async () => {
    await fixture?.cleanup();
    fixture = undefined;
  });

  it('a header replayed to every worker is accepted once; counts are exact after SIGTERM', async () => {
    fixture = await startWorkers();
    const url = `${fixture.server.url}/api/atlas/v1.0/users/${fixture.userId}`;
    const agents = connections(6);
    const [first] = agents;
    if (!first) throw new Error('no connection');
    const challenge = (await send(first, url)).challenge;
    const authorization = digestAuthorization({
      username: fixture.username,
      password: fixture.key,
      method: 'GET',
      uri: new URL(url).pathname,
      challenge,
      nc: 1,
    });
    const replays = await Promise.all(agents.map((agent) => send(agent, url, { authorization })));
    expect(replays.filter((answer) => answer.status === 200)).toHaveLength(1);
    expect(replays.every((answer) => answer.status === 200 || answer.status === 401)).toBe(true);
    const runs = await Promise.all(
      agents.map((agent) => authenticated(fixture as Fixture, agent, url, fixture?.key ?? '', 50)),
    );
    const ok = 1 + runs.flat().filter((status) => status === 200).length;
    expect(ok).toBe(1 + 6 * 50);
    expect(servingPids(fixture.server.output).size).toBe(2);
    for (const agent of agents) agent.destroy();
    // The workers check each other's nonces over Unix sockets in a folder the primary removes.
    const sockets = siblingSocketsFolder(workerPids(fixture.server.output)[0]);
    expect(readdirSync(sockets).sort()).toEqual(['1.sock', '2.sock']);
    // Only keyward's own user may reach a worker's replay window.
    expect(statSync(sockets).mode & 0o777).toBe(0o700);

    expect(await fixture.server.stop()).toBe(0);
    expect(existsSync(sockets)).toBe(false);
    const keys = keywardJson<{ results: { usedCount: number }[] }>([
      'keys',
      'list',
      '--username',
      fixture.username,
      '--database',
      fixture.server.database,
    ]);
    expect(keys.results[0]?.usedCount).toBe(ok);
  }, 60_000);

  it('a challenge answered on another connection (another worker) is accepted once; replays are refused', async () => {
    fixture = await startWorkers();
    const url = `${fixture.server.url}/api/atlas/v1.0/users/${fixture.userId}`;
    const agents = connections(6);
    const challenges = await Promise.all(agents.map((agent) => send(agent, url)));
    const headers = challenges.map(({ challenge }) =>
      digestAuthorization({
        username: fixture?.username ?? '',
        password: fixture?.key ?? '',
        method: 'GET',
        uri: new URL(url).pathname,
        challenge,
        nc: 1,
      }),
    );
    // Consecutive connections go to the two workers in turn: each answer lands on the
    // worker that did not issue its nonce, as urllib's answer on a fresh connection does.
    const moved = await Promise.all(
      agents.map((agent, i) => send(agent, url, { authorization: headers[(i + 1) % 6] })),
    );
    expect(moved.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const replays = await Promise.all(
      agents.map((agent, i) => send(agent, url, { authorization: headers[i] })),
    );
    expect(replays.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 401, 401]);
    // Refused as replays by the issuing worker, not as stale nonces to retry.
    expect(replays.some((answer) => answer.challenge.includes('stale=true'))).toBe(false);
    expect(servingPids(fixture.server.output).size).toBe(2);
    for (const agent of agents) agent.destroy();
  }, 60_000);

  it('wrong guesses spread over both workers: exactly the limit of 401s, then 429s', async () => {
    fixture = await startWorkers('--auth-failure-limit', '5', '--auth-lockout', '60');
    const url = `${fixture.server.url}/api/atlas/v1.0/users/${fixture.userId}`;
    const agents = connections(6);
    const guesses = await Promise.all(
      agents.map((agent) => authenticated(fixture as Fixture, agent, url, 'wrong-guess', 4)),
    );
    const all = guesses.flat();
    expect(all.filter((status) => status === 401)).toHaveLength(5);
    expect(all.filter((status) => status === 429)).toHaveLength(24 - 5);
    expect(servingPids(fixture.server.output).size).toBe(2);
    for (const agent of agents) agent.destroy();
  }, 60_000);

  it('a killed worker is replaced and a CLI key delete is refused by every worker', async () => {
    // The deleted key's requests are failures: a high limit keeps the poll out of 429s.
    fixture = await startWorkers('--auth-failure-limit', '1000');
    const server = fixture.server;
    const url = `${server.url}/api/atlas/v1.0/users/${fixture.userId}`;
    const [victim] = workerPids(server.output);
    process.kill(victim ?? 0, 'SIGKILL');
    await expect.poll(() => workerPids(server.output).length, { timeout: 15_000 }).toBe(3);
    expect(server.output.join('')).toContain('a worker died; starting another');
    const agents = connections(6);
    const served = await Promise.all(
      agents.map((agent) => authenticated(fixture as Fixture, agent, url, fixture?.key ?? '', 3)),
    );
    expect(served.flat().every((status) => status === 200)).toBe(true);
    const pids = servingPids(server.output);
    expect(pids.has(victim ?? 0)).toBe(false);
    expect(pids.size).toBe(2);

    const db = ['--database', server.database, '--username', fixture.username];
    const [key] = keywardJson<{ results: { id: string }[] }>(['keys', 'list', ...db]).results;
    expect(keyward(['keys', 'delete', '--id', key?.id ?? '', ...db]).status).toBe(0);
    const deleted = Date.now();
    await expect
      .poll(
        async () =>
          (
            await Promise.all(
              agents.map((agent) =>
                authenticated(fixture as Fixture, agent, url, fixture?.key ?? ''),
              ),
            )
          ).flat(),
        { timeout: 2_000, interval: 100 },
      )
      .toEqual([401, 401, 401, 401, 401, 401]);
    expect(Date.now() - deleted).toBeLessThan(2_000);
    for (const agent of agents) agent.destroy();
  }, 60_000);

  it('prints the setup link once, and it creates one administrator across workers', async () => {
    fixture = await startWorkers();
    const text = fixture.server.output.join('');
    expect(text.match(/keyward: serving on/g)).toHaveLength(1);
    const links = text.match(/\/console\/setup\?token=[\w-]+/g) ?? [];
    expect(links).toHaveLength(1);
    const token = (links[0] ?? '').split('token=')[1] ?? '';
    const agents = connections(6);
    const pages = await Promise.all(
      agents.map((agent) => send(agent, `${fixture?.server.url}/console/setup?token=${token}`)),
    );
    expect(pages.map((page) => page.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const form = 'f'.repeat(43);
    const posts = await Promise.all(
      agents.map((agent, i) =>
        send(agent, `${fixture?.server.url}/console/setup`, {
          method: 'POST',
          cookie: `keyward-form=${form}`,
          body: new URLSearchParams({
            _form: form,
            token,
            username: `admin${i}@example.com`,
            password: 'a long enough password 42',
            confirm: 'a long enough password 42',
          }).toString(),
        }),
      ),
    );
    expect(posts.filter((post) => post.status === 303)).toHaveLength(1);
    expect(servingPids(fixture.server.output).size).toBe(2);
    for (const agent of agents) agent.destroy();
  }, 60_000);
});

describe('keyward serve --workers 2 where Unix sockets cannot be made', () => {
  it('refuses to start, says why and what to do, and leaves no folder behind', () => {
    const home = mkdtempSync(join(tmpdir(), 'keyward-long-'));
    // Longer than a Unix socket's path may be once the sockets' folder and name are added.
    const longTmp = join(home, 'd'.repeat(100 - home.length));
    mkdirSync(longTmp);
    try {
      const database = join(home, 'keyward.db');
      const served = keyward(['serve', '--workers', '2', '--port', '0', '--database', database], {
        TMPDIR: longTmp,
      });
      expect(served.status).toBe(1);
      expect(served.stderr).toContain('too long for the workers');
      expect(served.stderr).toContain('--workers 1');
      expect(readdirSync(longTmp)).toEqual([]);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

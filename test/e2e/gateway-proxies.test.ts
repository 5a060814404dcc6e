import { spawn } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, ATLAS, TestApi } from '../support/api.js';
import { digestAuthorization } from '../support/digest-client.js';
import { type Addresses, type RunningProxy, startCaddy, startNginx } from '../support/proxies.js';
import type { CurlResult } from './fixture.js';

// keyward (in process, on a real socket) as the forward-auth service of a real nginx and a
// real Caddy, each started from the config docs/gateway.md shows, in front of an upstream
// that echoes the headers it received: what the upstream sees is what an API would trust.

interface Echo {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string | undefined>;
}

function echoUpstream(): Promise<Server> {
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const hostPort = (server: Server) => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('not listening');
  return `127.0.0.1:${address.port}`;
};

/** One raw GET through the proxy: the path goes on the request line exactly as given. */
function get(base: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; challenges: string[]; body: string }>((resolve, reject) => {
    request(`${base}${path}`, { headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      // Each WWW-Authenticate line on its own (res.headers joins them with ", ").
      const challenges = res.rawHeaders.filter(
        (_, i) => i % 2 === 1 && /^www-authenticate$/i.test(res.rawHeaders[i - 1] ?? ''),
      );
      res.on('end', () => resolve({ status: res.statusCode ?? 0, challenges, body }));
    })
      .on('error', reject)
      .end();
  });
}

/**
 * A client process, run without blocking: keyward answers the proxy from this very process.
 */
function run(command: string, args: readonly string[]) {
  return new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', () => resolve({ stdout, stderr }));
  });
}

/** `curl --digest` as a user would type it (as fixture.ts's, but asynchronous). */
async function curl(args: readonly string[]): Promise<CurlResult> {
  const { stdout, stderr } = await run('curl', ['-sS', '-v', '-w', '\n%{http_code}', ...args]);
  const cut = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut), trace: stderr };
}

const PYTHON = `
import json, sys, requests
from requests.auth import HTTPDigestAuth
r = requests.get(sys.argv[1], auth=HTTPDigestAuth(sys.argv[2], sys.argv[3]))
print(json.dumps({"status": r.status_code, "body": r.text}))
`;

const proxies: [string, (to: Addresses) => Promise<RunningProxy>][] = [
  ['nginx 1.22', startNginx],
  ['Caddy 2.6', startCaddy],
];

interface Stack {
  readonly api: TestApi;
  readonly proxy: RunningProxy;
  close(): Promise<void>;
}

/** keyward on a real socket, the echoing upstream, and the proxy in front of both. */
async function stack(start: (to: Addresses) => Promise<RunningProxy>): Promise<Stack> {
  // Every client here is 127.0.0.1 to keyward: the lockout test at the end counts the
  // failures the tests before it make (a wrong key, a replay).
  const api = await TestApi.start({
    trustProxy: ['loopback'],
    authFailureLimit: 6,
    authLockoutSeconds: 60,
    usageFlushIntervalMs: 60_000,
  });
  await api.app.listen({ host: '127.0.0.1', port: 0 });
  const upstream = await echoUpstream();
  const proxy = await start({ keyward: hostPort(api.app.server), upstream: hostPort(upstream) });
  return {
    api,
    proxy,
    async close() {
      await proxy.stop();
      await new Promise((resolve) => upstream.close(resolve));
      await api.close();
    },
  };
}

const echoed = (body: string): Echo => JSON.parse(body);
const as = (who: Pick<Account, 'username' | 'key'>) => [
  '--digest',
  '-u',
  `${who.username}:${who.key}`,
];
const FORGED = {
  'X-Keyward-User-Id': '0123456789abcdef01234567',
  'X-Keyward-Username': 'root',
  'X-Keyward-Key-Id': '0123456789abcdef01234567',
  'X-Keyward-Orgs': '0123456789abcdef01234567:ORG_OWNER',
  'X-Keyward-Global-Roles': 'GLOBAL_OWNER',
};
const forged = Object.entries(FORGED).flatMap(([name, value]) => ['-H', `${name}: ${value}`]);

describe.each(proxies)('through %s', (_name, start) => {
  let api: TestApi;
  let proxy: RunningProxy;
  let running: Stack | undefined;

  beforeAll(async () => {
    running = await stack(start);
    ({ api, proxy } = running);
  }, 30_000);
  afterAll(() => running?.close());

  it('passes on the API’s challenge, byte for byte (MD5 first)', async () => {
    const response = await get(proxy.url, '/x');
    expect(response.status).toBe(401);
    const nonce = /nonce="([^"]+)"/.exec(response.challenges[0] ?? '')?.[1] ?? '';
    const line = (algorithm: string) =>
      `Digest realm="MMS Public API", domain="", nonce="${nonce}", algorithm=${algorithm}, qop="auth", stale=false`;
    // nginx passes the first line only; Caddy passes keyward's answer as it is.
    expect(response.challenges).toEqual(
      _name.startsWith('nginx') ? [line('MD5')] : [line('MD5'), line('SHA-256')],
    );
  });

  it('curl --digest reaches the upstream, which sees keyward’s identity headers', async () => {
    const { alice } = api;
    await api.service.usage.flush();
    const before = (await api.service.store.getKey(alice.user.id, alice.keyId))?.usedCount ?? 0;
    const result = await curl([...as(alice), `${proxy.url}/orders/7?x=1&y=%2F`]);
    expect(result.status, proxy.log()).toBe(200);
    const echo = echoed(result.body);
    expect(echo.url).toBe('/orders/7?x=1&y=%2F');
    expect(echo.headers['x-keyward-user-id']).toBe(alice.user.id);
    expect(echo.headers['x-keyward-username']).toBe(alice.username);
    expect(echo.headers['x-keyward-key-id']).toBe(alice.keyId);
    expect(echo.headers['x-keyward-orgs']).toBe(`${api.orgId}:ORG_MEMBER`);
    await api.service.usage.flush();
    const after = (await api.service.store.getKey(alice.user.id, alice.keyId))?.usedCount;
    expect(after).toBe(before + 1);
  });

  it('Python requests (HTTPDigestAuth) reaches the upstream', async () => {
    const { bob } = api;
    const result = await run('/usr/bin/python3', [
      '-c',
      PYTHON,
      `${proxy.url}/py/items?page=2`,
      bob.username,
      bob.key,
    ]);
    expect(result.stderr).toBe('');
    const out = JSON.parse(result.stdout);
    expect(out.status, proxy.log()).toBe(200);
    expect(echoed(out.body).headers['x-keyward-user-id']).toBe(bob.user.id);
  });

  it('never lets a client-sent identity header reach the upstream', async () => {
    const { alice } = api;
    const result = await curl([...as(alice), ...forged, `${proxy.url}/whoami`]);
    expect(result.status, proxy.log()).toBe(200);
    const { headers } = echoed(result.body);
    expect(headers['x-keyward-user-id']).toBe(alice.user.id);
    expect(headers['x-keyward-username']).toBe(alice.username);
    expect(headers['x-keyward-key-id']).toBe(alice.keyId);
    expect(headers['x-keyward-orgs']).toBe(`${api.orgId}:ORG_MEMBER`);
    expect(headers['x-keyward-global-roles'] ?? '').toBe('');
  });

  it('answers a wrong key 401 with a challenge curl answers', async () => {
    const result = await curl(['--digest', '-u', `${api.bob.username}:wrong`, `${proxy.url}/x`]);
    expect(result.status).toBe(401);
    // curl read the challenge, answered it, and was refused again with a fresh one.
    expect(result.trace).toMatch(/> Authorization: Digest username="bob@example.com"/);
    expect(result.trace).toMatch(/< WWW-Authenticate: Digest realm="MMS Public API", domain=""/i);
  });

  it('refuses a replayed Authorization header', async () => {
    const first = (await get(proxy.url, '/replayed')).challenges[0];
    const authorization = digestAuthorization({
      username: api.bob.username,
      password: api.bob.key,
      method: 'GET',
      uri: '/replayed',
      challenge: String(first),
      nc: 1,
    });
    expect((await get(proxy.url, '/replayed', { authorization })).status).toBe(200);
    expect((await get(proxy.url, '/replayed', { authorization })).status).toBe(401);
  });

  it('refuses a disabled key at once', async () => {
    const url = `${ATLAS}/users/${api.root.user.id}/keys`;
    const made = await api.request({
      method: 'POST',
      url,
      as: api.root,
      body: { description: 'p' },
    });
    const key = { ...api.root, key: made.json().key as string };
    expect((await curl([...as(key), `${proxy.url}/k`])).status).toBe(200);
    const patch = { enabled: false };
    const off = await api.request({
      method: 'PATCH',
      url: `${url}/${made.json().id}`,
      as: api.root,
      body: patch,
    });
    expect(off.statusCode).toBe(200);
    expect((await curl([...as(key), `${proxy.url}/k`])).status).toBe(401);
  });

  it('applies a location’s requirement: 403 with the reason', async () => {
    const denied = await curl([...as(api.alice), `${proxy.url}/admin/users`]);
    expect(denied.status).toBe(403);
    expect(denied.trace).toMatch(/< X-Keyward-Denied: Denied: lacks global role GLOBAL_OWNER/i);
    expect((await curl([...as(api.root), `${proxy.url}/admin/users`])).status).toBe(200);
  });

  it('answers a locked-out client 403 with Retry-After', async () => {
    const wrong = ['--digest', '-u', `${api.bob.username}:wrong`, `${proxy.url}/x`];
    let result = await curl(wrong);
    for (let i = 0; i < 10 && result.status === 401; i++) result = await curl(wrong);
    expect(result.status, proxy.log()).toBe(403);
    expect(result.trace).toMatch(/< Retry-After: \d+/i);
  });
});

// keyward always sends all five X-Keyward-* headers (empty when there is nothing to say), and
// copy_headers copies them over a client's forgery. Caddy versions before 2.11.2 keep the
// client's own when the auth answer lacks one (2.6.2 sends its unresolved placeholder text
// instead): the documented request_header lines remove every client-sent X-Keyward-* before
// forward_auth runs, on any version. An auth service that allows everything and records what
// it was sent shows where the strip acts.
describe('Caddy 2.6: the documented strip', () => {
  let allowAll: Server;
  let upstream: Server;
  let authSaw: Record<string, unknown> = {};
  beforeAll(async () => {
    allowAll = createServer((req, res) => {
      authSaw = req.headers;
      res.end();
    });
    await new Promise<void>((resolve) => allowAll.listen(0, '127.0.0.1', resolve));
    upstream = await echoUpstream();
  });
  afterAll(async () => {
    await new Promise((resolve) => allowAll.close(resolve));
    await new Promise((resolve) => upstream.close(resolve));
  });

  it('removes client-sent identity headers before forward_auth; without it they remain', async () => {
    const to = { keyward: hostPort(allowAll), upstream: hostPort(upstream) };
    const seen = async (withoutStrip: boolean) => {
      const proxy = await startCaddy(to, withoutStrip);
      try {
        const result = await curl([...forged, `${proxy.url}/whoami`]);
        expect(result.status, proxy.log()).toBe(200);
        return {
          auth: authSaw['x-keyward-global-roles'],
          upstream: echoed(result.body).headers['x-keyward-global-roles'],
        };
      } finally {
        await proxy.stop();
      }
    };
    const placeholder = '{http.reverse_proxy.header.X-Keyward-Global-Roles}';
    expect(await seen(false)).toEqual({ auth: undefined, upstream: placeholder });
    expect(await seen(true)).toEqual({ auth: 'GLOBAL_OWNER', upstream: placeholder });
  });
});

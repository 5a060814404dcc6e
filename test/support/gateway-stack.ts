// The pieces the gateway tests put together: keyward on a real socket, an upstream that
// echoes the headers it received, a real proxy in front of both, and clients run without
// blocking (keyward answers the proxy from the test's own process).

import { spawn } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import type { CurlResult } from '../e2e/fixture.js';
import { type Account, TestApi } from './api.js';
import type { Addresses, RunningProxy } from './proxies.js';

export interface Echo {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string | undefined>;
}

export function echoUpstream(): Promise<Server> {
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export const hostPort = (server: Server) => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('not listening');
  return `127.0.0.1:${address.port}`;
};

/** One raw GET through the proxy: the path goes on the request line exactly as given. */
export function get(base: string, path: string, headers: Record<string, string> = {}) {
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
export function run(command: string, args: readonly string[]) {
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
export async function curl(args: readonly string[]): Promise<CurlResult> {
  const { stdout, stderr } = await run('curl', ['-sS', '-v', '-w', '\n%{http_code}', ...args]);
  const cut = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut), trace: stderr };
}

export interface Stack {
  readonly api: TestApi;
  readonly proxy: RunningProxy;
  close(): Promise<void>;
}

/** keyward on a real socket, the echoing upstream, and the proxy in front of both. */
export async function stack(start: (to: Addresses) => Promise<RunningProxy>): Promise<Stack> {
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

export const echoed = (body: string): Echo => JSON.parse(body);
export const as = (who: Pick<Account, 'username' | 'key'>) => [
  '--digest',
  '-u',
  `${who.username}:${who.key}`,
];
export const FORGED = {
  'X-Keyward-User-Id': '0123456789abcdef01234567',
  'X-Keyward-Username': 'root',
  'X-Keyward-Key-Id': '0123456789abcdef01234567',
  'X-Keyward-Orgs': '0123456789abcdef01234567:ORG_OWNER',
  'X-Keyward-Global-Roles': 'GLOBAL_OWNER',
  'X-Keyward-Principal': 'user',
  'X-Keyward-Public-Key': 'abcdefgh',
};
export const forged = Object.entries(FORGED).flatMap(([name, value]) => [
  '-H',
  `${name}: ${value}`,
]);

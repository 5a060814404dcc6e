import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePrometheusText, total } from '../support/prometheus-text.js';
import { keyward, ServerProcess } from '../support/server-process.js';
import { type Fixture, startWithUser } from './fixture.js';

const run = promisify(execFile);
const ROUTE = '/api/atlas/v1.0/users/byName/:username';
const GOOD = 24;
const WRONG = 6;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** One real `curl --digest`: a challenge (401) and its answer, on one connection. */
async function curl(url: string, user: string, password: string): Promise<string> {
  const args = [
    '-s',
    '-o',
    '/dev/null',
    '-w',
    '%{http_code}',
    '--digest',
    '-u',
    `${user}:${password}`,
  ];
  return (await run('curl', [...args, url])).stdout;
}

/** GOOD right and WRONG wrong requests, six curl processes at a time (new connections each). */
async function load(f: Fixture): Promise<string[]> {
  const url = `${f.server.url}/api/atlas/v1.0/users/byName/${f.username}`;
  const jobs = [
    ...Array.from({ length: GOOD }, () => f.key),
    ...Array.from({ length: WRONG }, () => 'not-the-key'),
  ];
  const statuses: string[] = [];
  for (let i = 0; i < jobs.length; i += 6)
    statuses.push(
      ...(await Promise.all(jobs.slice(i, i + 6).map((k) => curl(url, f.username, k)))),
    );
  return statuses;
}

async function scrape(url: string) {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await response.text());
}

const requests = (families: ReturnType<typeof parsePrometheusText>) =>
  total(families, 'keyward_http_requests_total');

/** The counts every arm must show after `load` and one `/metrics` asked of the API port. */
async function expectExactCounts(metricsUrl: string, workers: number) {
  // Counted when the response has gone: the last ones may land just after curl exits.
  const expected = 2 * GOOD + 2 * WRONG + 1;
  await expect
    .poll(async () => requests(await scrape(metricsUrl)), { timeout: 15_000 })
    .toBe(expected);
  // Flushed once a second: the usage write and the revision poll have been timed.
  await expect
    .poll(
      async () => total(await scrape(metricsUrl), 'keyward_usage_flush_duration_seconds_count'),
      {
        timeout: 15_000,
      },
    )
    .toBeGreaterThanOrEqual(1);
  const m = await scrape(metricsUrl);
  const status = (code: number, route = ROUTE) =>
    total(m, 'keyward_http_requests_total', { method: 'GET', route, status: String(code) });
  expect(status(200)).toBe(GOOD);
  expect(status(401)).toBe(GOOD + 2 * WRONG);
  expect(status(404, 'unmatched')).toBe(1);
  expect(total(m, 'keyward_http_request_duration_seconds_count', { route: ROUTE })).toBe(
    2 * GOOD + 2 * WRONG,
  );
  const auth = (reason: string) => total(m, 'keyward_auth_outcomes_total', { reason });
  expect(auth('ok')).toBe(GOOD);
  expect(auth('no_credentials')).toBe(GOOD + WRONG);
  expect(auth('wrong_response')).toBe(WRONG);
  expect(total(m, 'keyward_auth_outcomes_total')).toBe(2 * GOOD + 2 * WRONG);
  expect(total(m, 'keyward_workers_alive')).toBe(workers);
  // The client's address and the username: two records, whichever process holds them.
  expect(total(m, 'keyward_throttle_entries')).toBe(2);
  expect(total(m, 'keyward_replay_window_nonces')).toBe(GOOD);
  expect(
    total(m, 'keyward_db_query_duration_seconds_count', { operation: 'applyUsage' }),
  ).toBeGreaterThanOrEqual(1);
  expect(total(m, 'keyward_usage_flush_failures_total')).toBe(0);
  expect(m.get('nodejs_eventloop_lag_seconds')?.samples).toHaveLength(1);
  // Patterns only: neither the username nor any raw path ever becomes a label.
  const routes = new Set(m.get('keyward_http_requests_total')?.samples.map((s) => s.labels.route));
  expect([...routes].sort()).toEqual([ROUTE, 'unmatched']);
}

describe('metrics (--metrics-port)', () => {
  let fixture: Fixture | undefined;
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await fixture?.cleanup();
    await server?.stop();
    fixture = undefined;
    server = undefined;
  });

  it('adds up every worker’s requests and authentications exactly, apart from the API port', async () => {
    const port = await freePort();
    // The access log (debug) names the pid that served each request.
    const args = ['--workers', '2', '--metrics-port', String(port), '--log-level', 'debug'];
    fixture = await startWithUser(args);
    const f = fixture;
    await expect
      .poll(() => f.server.output.join('').match(/worker is serving/g)?.length ?? 0, {
        timeout: 20_000,
      })
      .toBe(2);
    const metricsUrl = `http://127.0.0.1:${port}/metrics`;
    expect(f.server.output.join('')).toContain(`keyward: metrics on ${metricsUrl}`);
    expect(total(await scrape(metricsUrl), 'keyward_workers_alive')).toBe(2);

    const statuses = await load(f);
    expect(statuses.filter((s) => s === '200')).toHaveLength(GOOD);
    expect(statuses.filter((s) => s === '401')).toHaveLength(WRONG);
    // Both workers served, so the exact sums below are the primary's aggregation.
    const pids = f.server.output.join('').match(/"pid":\d+(?=[^\n]*"msg":"request")/g);
    expect(new Set(pids).size).toBe(2);
    expect((await fetch(`${f.server.url}/metrics`)).status).toBe(404);
    await expectExactCounts(metricsUrl, 2);

    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404);
    expect((await fetch(metricsUrl, { method: 'POST' })).status).toBe(405);
  }, 90_000);

  it('is served by the one process with --workers 1 (KEYWARD_METRICS_PORT)', async () => {
    const port = await freePort();
    process.env.KEYWARD_METRICS_PORT = String(port);
    try {
      fixture = await startWithUser(['--workers', '1']);
    } finally {
      delete process.env.KEYWARD_METRICS_PORT;
    }
    await load(fixture);
    expect((await fetch(`${fixture.server.url}/metrics`)).status).toBe(404);
    await expectExactCounts(`http://127.0.0.1:${port}/metrics`, 1);
  }, 90_000);

  it('refuses to start when the metrics port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    const folder = mkdtempSync(join(tmpdir(), 'keyward-metrics-'));
    try {
      for (const workers of ['1', '2']) {
        const db = join(folder, `w${workers}.db`);
        const args = ['serve', '--port', '0', '--database', db, '--workers', workers];
        const result = keyward([...args, '--metrics-port', String(port)]);
        expect([result.status, result.stderr]).toEqual([
          1,
          `keyward: error: cannot serve metrics on 127.0.0.1:${port} (EADDRINUSE)\n`,
        ]);
      }
    } finally {
      taken.close();
      rmSync(folder, { recursive: true, force: true });
    }
  }, 90_000);

  it('is off without the flag', async () => {
    const port = await freePort();
    server = await ServerProcess.start(['--workers', '2']);
    expect(server.output.join('')).not.toContain('metrics on');
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  }, 30_000);
});

// The HTTP-level fuzzer: `npm run fuzz` sends FUZZ_COUNT (default 100,000) mutated requests
// to a keyward it starts on loopback and checks that none gets a 5xx, every answer with a
// body is JSON, and the process stays up. A 2,000-request sample runs in `npm test`
// (test/fuzz/). FUZZ_SEED replays a run; FUZZ_SECONDS bounds it in time (default 600).

import { connect } from 'node:net';
import { type Fixture, startWithUser } from '../test/e2e/fixture.js';
import { mutatedRequest, seeded, type Target } from './mutations.js';

export interface FuzzReport {
  readonly sent: number;
  readonly byStatus: Readonly<Record<string, number>>;
  readonly problems: readonly string[];
  readonly ms: number;
}

function send(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => socket.end(Buffer.from(request, 'latin1')));
    socket.setTimeout(10_000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => {}); // a reset after the answer is fine; no answer is checked below
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** What is wrong with one response, or undefined. */
export function judge(request: string, response: string): string | undefined {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1]);
  if (!status) return `no HTTP answer to ${JSON.stringify(request.slice(0, 120))}`;
  if (status >= 500)
    return `${status} for ${JSON.stringify(request.slice(0, 200))}: ${response.slice(0, 300)}`;
  const split = response.indexOf('\r\n\r\n');
  const body = response.slice(split + 4);
  if (status === 204 || request.startsWith('HEAD ') || body === '') return undefined;
  try {
    JSON.parse(body);
  } catch {
    return `non-JSON ${status} body for ${JSON.stringify(request.slice(0, 120))}: ${body.slice(0, 120)}`;
  }
  return undefined;
}

export async function fuzz(
  url: string,
  target: Target,
  options: { count: number; seed: number; seconds: number; concurrency?: number },
): Promise<FuzzReport> {
  const port = Number(new URL(url).port);
  const random = seeded(options.seed);
  const deadline = Date.now() + options.seconds * 1000;
  const byStatus: Record<string, number> = {};
  const problems: string[] = [];
  const started = Date.now();
  let sent = 0;
  const worker = async () => {
    while (sent < options.count && Date.now() < deadline && problems.length < 20) {
      sent++;
      const request = mutatedRequest(random, target);
      const response = await send(port, request);
      const status = /^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 'none';
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      const problem = judge(request, response);
      if (problem) problems.push(problem);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 16 }, worker));
  return { sent, byStatus, problems, ms: Date.now() - started };
}

/** The fixture's server, its user and a real nonce, as the mutations' raw material. */
export async function fuzzTarget(fixture: Fixture): Promise<Target> {
  const response = await fetch(fixture.keysUrl);
  const nonce = /nonce="([^"]+)"/.exec(response.headers.get('www-authenticate') ?? '')?.[1] ?? '';
  return { userId: fixture.userId, keyId: '0'.repeat(24), username: fixture.username, nonce };
}

async function main(): Promise<void> {
  const count = Number(process.env.FUZZ_COUNT ?? 100_000);
  const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
  const seconds = Number(process.env.FUZZ_SECONDS ?? 600);
  const fixture = await startWithUser();
  try {
    const report = await fuzz(fixture.server.url, await fuzzTarget(fixture), {
      count,
      seed,
      seconds,
    });
    const health = await fetch(`${fixture.server.url}/health`);
    console.log(`seed ${seed}: ${report.sent} requests in ${(report.ms / 1000).toFixed(1)} s`);
    console.log(`statuses: ${JSON.stringify(report.byStatus)}`);
    console.log(`server still up: /health ${health.status}`);
    for (const problem of report.problems) console.log(`PROBLEM ${problem}`);
    if (report.problems.length > 0 || health.status !== 200) process.exitCode = 1;
  } finally {
    await fixture.cleanup();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, '/')))
  await main();

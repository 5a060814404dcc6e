// The ceiling: a bare node:http server in its own process answering with exactly the
// bytes keyward returns, without any authentication, routing or database. Plain JavaScript
// run by `node -e`, so no loader or transpiler sits in the measured process.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awaitExit, peakRssMb, registerStop, type Target, waitFor } from '../proc.js';

/** One canned answer: `method target` (the exact request target, query included). */
export interface CannedResponse {
  readonly method: 'GET' | 'POST';
  readonly target: string;
  readonly status: number;
  readonly body: Buffer;
}

const SERVER = `
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
const routes = new Map();
for (const r of JSON.parse(process.env.BENCH_ROUTES)) {
  routes.set(r.method + ' ' + r.target, { status: r.status, body: readFileSync(r.file) });
}
const notFound = Buffer.from('{"error":404}');
const server = createServer((req, res) => {
  const route = routes.get(req.method + ' ' + req.url);
  const send = () => {
    const body = route ? route.body : notFound;
    res.writeHead(route ? route.status : 404, {
      'content-type': 'application/json',
      'content-length': body.length,
    });
    res.end(body);
  };
  if (req.method === 'GET') send();
  else req.on('data', () => {}).on('end', send);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify(server.address()) + '\\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

export async function startBareNode(routes: readonly CannedResponse[]): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-bench-bare-'));
  const files = routes.map((route, i) => {
    const file = join(dir, `body-${i}.json`);
    writeFileSync(file, route.body);
    return { method: route.method, target: route.target, status: route.status, file };
  });
  const child = spawn(process.execPath, ['--input-type=module', '-e', SERVER], {
    env: { ...process.env, BENCH_ROUTES: JSON.stringify(files) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const pid = child.pid!;
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const stop = async () => {
    unregister();
    if (child.exitCode === null) child.kill('SIGTERM');
    await awaitExit(pid);
    rmSync(dir, { recursive: true, force: true });
  };
  const unregister = registerStop(stop);
  try {
    const port = await waitFor('the bare node server to listen', () => {
      if (child.exitCode !== null) throw new Error(`bare node server exited (${child.exitCode})`);
      const match = /"port":(\d+)/.exec(output);
      return match ? Number(match[1]) : undefined;
    });
    return {
      name: 'bare node',
      origin: `http://127.0.0.1:${port}`,
      pid,
      peakRssMb: () => peakRssMb(pid),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

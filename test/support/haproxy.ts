// Debian's haproxy (.ci/run installs it) as the balancer in front of several keyward
// instances: round-robin per request, no affinity, from its own config on a free port.
// The config is the one docs/operations.md shows, plus a header naming the instance that
// answered, so tests can see requests really spread.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canConnect, freePort } from './embedded-postgres.js';

export function haproxyConfig(port: number, backends: readonly number[]): string {
  return `global
  maxconn 2000

defaults
  mode http
  timeout connect 1s
  timeout client 30s
  timeout server 30s
  # A request whose instance refuses the connection goes to another.
  retries 2
  option redispatch
  option forwardfor

frontend api
  bind 127.0.0.1:${port}
  default_backend keyward

backend keyward
  balance roundrobin
  http-response set-header X-Served-By %s
${backends.map((p, i) => `  server k${i + 1} 127.0.0.1:${p} check inter 200ms fall 1 rise 2`).join('\n')}
`;
}

export class Haproxy {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    private readonly folder: string,
    readonly output: string[],
  ) {}

  static async start(backends: readonly number[]): Promise<Haproxy> {
    const port = await freePort();
    const folder = mkdtempSync(join(tmpdir(), 'keyward-haproxy-'));
    const config = join(folder, 'haproxy.cfg');
    writeFileSync(config, haproxyConfig(port, backends));
    const child = spawn('/usr/sbin/haproxy', ['-f', config, '-db'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const deadline = Date.now() + 10_000;
    while (!(await canConnect(port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        rmSync(folder, { recursive: true, force: true });
        throw new Error(`haproxy did not start:\n${output.join('')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return new Haproxy(child, `http://127.0.0.1:${port}`, folder, output);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.folder, { recursive: true, force: true });
  }
}

// Real reverse proxies for the gateway tests, started from the configs docs/gateway.md
// shows (read from that file, so the documented config is the tested one), on free ports,
// each in its own temp folder, and stopped after.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canConnect, freePort } from './embedded-postgres.js';

const DOC = new URL('../../docs/gateway.md', import.meta.url).pathname;
// The addresses the documented configs use for keyward and for the protected upstream.
const DOC_KEYWARD = '127.0.0.1:8080';
const DOC_UPSTREAM = '127.0.0.1:3000';

/** The code block after `<!-- tested-config: NAME -->` in docs/gateway.md. */
export function testedConfig(name: string): string {
  const doc = readFileSync(DOC, 'utf8');
  const marker = `<!-- tested-config: ${name} -->`;
  const at = doc.indexOf(marker);
  if (at < 0) throw new Error(`docs/gateway.md has no ${marker}`);
  const block = /```[a-z]*\n([\s\S]*?)```/.exec(doc.slice(at + marker.length));
  if (!block?.[1]) throw new Error(`no code block after ${marker}`);
  return block[1];
}

export interface Addresses {
  /** host:port of keyward and of the upstream. */
  readonly keyward: string;
  readonly upstream: string;
}

export interface RunningProxy {
  readonly url: string;
  /** What the proxy wrote, for a failing test's message. */
  log(): string;
  stop(): Promise<void>;
}

const relocate = (config: string, to: Addresses) =>
  config.replaceAll(DOC_KEYWARD, to.keyward).replaceAll(DOC_UPSTREAM, to.upstream);

export interface NginxOptions {
  /** Serve the guarded locations' files from this folder instead of proxying (the bench). */
  readonly root?: string;
  /** worker_processes: a count or auto (default 1). */
  readonly workers?: number | string;
}

/** nginx (Debian's /usr/sbin/nginx) with the documented server block and its includes. */
export async function startNginx(to: Addresses, options: NginxOptions = {}): Promise<RunningProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-nginx-'));
  const port = await freePort();
  for (const name of ['nginx-guard', 'nginx-auth']) {
    writeFileSync(join(dir, `${name}.conf`), testedConfig(name));
  }
  const documented = testedConfig('nginx');
  const served = options.root
    ? documented.replaceAll(`proxy_pass http://${DOC_UPSTREAM};`, `root ${options.root};`)
    : documented;
  const server = relocate(served, to)
    .replace('listen 80;', `listen 127.0.0.1:${port};`)
    .replaceAll('/etc/keyward/', `${dir}/`);
  return nginx(dir, port, server, options.workers ?? 1);
}

/** nginx serving `root` with no auth at all (the bench's ceiling). */
export async function startStaticNginx(root: string, workers: number | string = 1) {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-nginx-'));
  const port = await freePort();
  const server = `server {\n listen 127.0.0.1:${port};\n location / { root ${root}; }\n}\n`;
  return nginx(dir, port, server, workers);
}

async function nginx(dir: string, port: number, server: string, workers: number | string) {
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((kind) => `${kind}_temp_path ${dir}/${kind};`)
    .join('\n');
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes ${workers};\nerror_log ${dir}/error.log info;\n` +
      `events { worker_connections 256; }\nhttp {\naccess_log off;\n${temp}\n${server}\n}\n`,
  );
  const child = spawn(
    '/usr/sbin/nginx',
    ['-p', dir, '-e', `${dir}/error.log`, '-c', conf, '-g', `daemon off; pid ${dir}/nginx.pid;`],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const log = () => output(child) + readOr(join(dir, 'error.log'));
  return running(child, port, dir, log);
}

/**
 * Caddy (Debian's /usr/bin/caddy) with the documented site block; `withoutStrip` drops its
 * request_header lines, to show what they protect against.
 */
export async function startCaddy(to: Addresses, withoutStrip = false): Promise<RunningProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-caddy-'));
  const port = await freePort();
  const documented = relocate(testedConfig('caddy'), to).replace(/^:80 \{/m, `:${port} {`);
  const site = withoutStrip
    ? documented.replace(/^\s*request_header -X-Keyward-.*$/gm, '')
    : documented;
  const file = join(dir, 'Caddyfile');
  writeFileSync(file, `{\n\tadmin off\n\tauto_https off\n}\n\n${site}`);
  const child = spawn('/usr/bin/caddy', ['run', '--config', file, '--adapter', 'caddyfile'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
  });
  return running(child, port, dir, () => output(child));
}

const outputs = new WeakMap<ChildProcess, string[]>();
function output(child: ChildProcess): string {
  return (outputs.get(child) ?? []).join('');
}
function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

async function running(
  child: ChildProcess,
  port: number,
  dir: string,
  log: () => string,
): Promise<RunningProxy> {
  const chunks: string[] = [];
  outputs.set(child, chunks);
  child.stdout?.on('data', (chunk) => chunks.push(String(chunk)));
  child.stderr?.on('data', (chunk) => chunks.push(String(chunk)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const text = log();
      await stop();
      throw new Error(`proxy did not start:\n${text}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { url: `http://127.0.0.1:${port}`, log, stop };
}

/** Whether something on 127.0.0.1 accepts a connection on `port` now. */

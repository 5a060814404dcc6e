// The server people would otherwise put in front of their API: Debian's Apache httpd with
// mod_auth_digest (MD5, qop=auth), serving keyward's exact response bytes as static files.
// It runs from its own config in a temp folder on a free loopback port, as root with
// `User www-data`, started and stopped with apache2ctl (no systemd needed).
//
// Apache is configured as a strong baseline: no access log, unlimited keep-alive requests,
// Debian's default event MPM sizing, and AuthDigestNcCheck at its default (Off), so it does
// not track nonce counts at all, while keyward rejects every replayed (nonce, nc).

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { canConnect } from '../../test/support/embedded-postgres.js';
import type { Credential } from '../load/digest.js';
import {
  awaitExit,
  freePort,
  isAlive,
  peakRssMb,
  registerStop,
  type Target,
  waitFor,
} from '../proc.js';

const MODULES = '/usr/lib/apache2/modules';
const REQUIRED_MODULES = [
  'mpm_event',
  'authn_core',
  'authn_file',
  'authz_core',
  'authz_user',
  'auth_digest',
  'mime',
  'dir',
  'alias',
];

export const APACHE_INSTALL = 'apt-get install -y apache2 apache2-utils';

/** Why the Apache baseline cannot run here, or undefined when it can. */
export function apacheUnavailable(): string | undefined {
  const ctl = spawnSync('apache2ctl', ['-v'], { encoding: 'utf8', timeout: 10_000 });
  if (ctl.error || ctl.status !== 0) return `apache2ctl not found (install: ${APACHE_INSTALL})`;
  const missing = REQUIRED_MODULES.filter((m) => !existsSync(join(MODULES, `mod_${m}.so`)));
  if (missing.length)
    return `Apache modules missing: ${missing.join(', ')} (install: ${APACHE_INSTALL})`;
  return undefined;
}

export function apacheVersion(): string {
  const out = spawnSync('apache2ctl', ['-v'], { encoding: 'utf8', timeout: 10_000 }).stdout ?? '';
  return /Server version:\s*(.+)/.exec(out)?.[1]?.trim() ?? 'unknown';
}

/** A static answer: the file served at `path` (Apache ignores the query string). */
export interface StaticFile {
  readonly path: string;
  readonly body: Buffer;
}

export interface ApacheOptions {
  readonly realm: string;
  readonly credentials: readonly Credential[];
  readonly files: readonly StaticFile[];
}

/** htdigest line: user:realm:MD5(user:realm:password), as `htdigest` writes it. */
function htdigestLine(realm: string, { username, password }: Credential): string {
  const ha1 = createHash('md5').update(`${username}:${realm}:${password}`).digest('hex');
  return `${username}:${realm}:${ha1}`;
}

function config(dir: string, port: number, realm: string): string {
  const htdocs = join(dir, 'htdocs');
  return `ServerRoot "${dir}"
DefaultRuntimeDir "${dir}/run"
PidFile "${dir}/run/httpd.pid"
Listen 127.0.0.1:${port}
ServerName 127.0.0.1
User www-data
Group www-data
ErrorLog "${dir}/error.log"
LogLevel warn
${REQUIRED_MODULES.map((m) => `LoadModule ${m}_module ${MODULES}/mod_${m}.so`).join('\n')}

# Debian's mpm_event.conf defaults
StartServers 2
MinSpareThreads 25
MaxSpareThreads 75
ThreadLimit 64
ThreadsPerChild 25
MaxRequestWorkers 150
MaxConnectionsPerChild 0

KeepAlive On
MaxKeepAliveRequests 0
KeepAliveTimeout 15
TypesConfig /etc/mime.types
ServerTokens Prod
DocumentRoot "${htdocs}"

<Directory />
  AllowOverride None
  Require all denied
</Directory>
<Directory "${htdocs}">
  AllowOverride None
  Options None
  ForceType application/json
  AuthType Digest
  AuthName "${realm}"
  AuthDigestProvider file
  AuthUserFile "${dir}/htdigest"
  AuthDigestAlgorithm MD5
  AuthDigestQop auth
  AuthDigestNonceLifetime 300
  Require valid-user
</Directory>
`;
}

function ctl(confFile: string, action: 'start' | 'stop'): { ok: boolean; output: string } {
  const result = spawnSync('apache2ctl', ['-f', confFile, '-k', action], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

export async function startApache(options: ApacheOptions): Promise<Target> {
  const paths = new Set(options.files.map((f) => f.path));
  if (paths.size !== options.files.length) throw new Error('Apache serves one body per path');
  const dir = mkdtempSync(join(tmpdir(), 'keyward-bench-apache-'));
  chmodSync(dir, 0o755); // www-data reads htdocs and the htdigest file
  mkdirSync(join(dir, 'run'));
  for (const file of options.files) {
    const target = join(dir, 'htdocs', decodeURIComponent(file.path));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.body, { mode: 0o644 });
  }
  const lines = options.credentials.map((c) => htdigestLine(options.realm, c));
  writeFileSync(join(dir, 'htdigest'), `${lines.join('\n')}\n`, { mode: 0o644 });
  const port = await freePort();
  const confFile = join(dir, 'httpd.conf');
  writeFileSync(confFile, config(dir, port, options.realm));
  const pidFile = join(dir, 'run', 'httpd.pid');
  const errorLog = () =>
    existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '';

  let pid: number | undefined;
  const stop = async () => {
    unregister();
    if (pid !== undefined && isAlive(pid)) {
      ctl(confFile, 'stop');
      await awaitExit(pid, 15_000);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const unregister = registerStop(stop);
  try {
    const started = ctl(confFile, 'start');
    if (!started.ok) throw new Error(`apache2ctl start failed: ${started.output}${errorLog()}`);
    pid = await waitFor('Apache pid file', () =>
      existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) || undefined : undefined,
    );
    await waitFor('Apache to accept connections', async () =>
      (await canConnect(port)) ? true : undefined,
    );
    const rootPid = pid;
    return {
      name: 'apache',
      origin: `http://127.0.0.1:${port}`,
      pid: rootPid,
      peakRssMb: () => peakRssMb(rootPid),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

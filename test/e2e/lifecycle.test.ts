import { request as urllib } from 'urllib';
import { describe, expect, it } from 'vitest';
import { keyMaterial } from '../../src/domain/keys.js';
import { keyward, keywardJson, ServerProcess } from '../support/server-process.js';
import { type Fixture, startWithUser, storedKeys } from './fixture.js';

interface KeyList {
  results: { id: string; usedCount: number; lastUsed?: string; obfuscatedKey: string }[];
}

/** The status of an authenticated GET of the fixture's user, with this key. */
const statusOf = (f: Fixture, key: string) => async () =>
  (
    await urllib(`${f.server.url}/api/atlas/v1.0/users/${f.userId}`, {
      digestAuth: `${f.username}:${key}`,
    })
  ).status;

/** Polls for up to 4 s: other processes' changes reach the server within one revision poll. */
async function eventually(status: () => Promise<number>, want: number): Promise<number> {
  for (let i = 0; i < 40 && (await status()) !== want; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return status();
}

describe('a served process, end to end', () => {
  it('counts every authenticated request exactly after a graceful stop, and logs no secret', async () => {
    const f = await startWithUser(['--log-level', 'trace', '--usage-flush-interval', '60000']);
    const N = 25;
    for (let i = 0; i < N; i++) {
      const res = await urllib(`${f.server.url}/api/atlas/v1.0/users/${f.userId}`, {
        digestAuth: `${f.username}:${f.key}`,
      });
      expect(res.status).toBe(200);
    }
    // The flush interval is a minute: only the graceful stop can have written these.
    expect(await f.server.stop()).toBe(0);
    const keys = storedKeys(f);
    expect(keys[0]?.usedCount).toBe(N);
    expect(keys[0]?.lastUsed).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(JSON.stringify(keys)).not.toContain(f.key);

    const output = f.server.output.join('');
    const realm = 'MMS Public API';
    for (const ha1 of Object.values(keyMaterial(f.username, realm, f.key).ha1)) {
      expect(output).not.toContain(ha1);
    }
    expect(output).toContain('"msg":"request"'); // trace level did log every request
    expect(output).not.toContain(f.key);
    expect(output).not.toContain('response="');
    expect(output.toLowerCase()).not.toContain('authorization');
    await f.cleanup();
  });

  it('sees keys created and disabled by the CLI while it runs', async () => {
    const f = await startWithUser();
    try {
      const db = ['--database', f.server.database];
      const created = keywardJson<{ id: string; key: string }>([
        'keys',
        'create',
        '--username',
        f.username,
        '--description',
        'from the CLI',
        ...db,
      ]);
      const status = statusOf(f, created.key);
      expect(await eventually(status, 200)).toBe(200);
      keywardJson(['keys', 'disable', '--username', f.username, '--id', created.id, ...db]);
      expect(await eventually(status, 401)).toBe(401);
    } finally {
      await f.cleanup();
    }
  });

  it('refuses a user deleted by the CLI while it runs, keys and all', async () => {
    const f = await startWithUser();
    try {
      const status = statusOf(f, f.key);
      expect(await status()).toBe(200);
      const remove = ['users', 'delete', '--username', f.username, '--database', f.server.database];
      const deleted = keywardJson<{ deleted: string; keysDeleted: number }>(remove);
      expect(deleted).toMatchObject({ deleted: f.userId, keysDeleted: 1 });
      expect(await eventually(status, 401)).toBe(401);
      const again = keyward(remove);
      expect(again.status).toBe(1);
      expect(again.stderr).toContain(`no user named "${f.username}"`);
    } finally {
      await f.cleanup();
    }
  });
});

// Each CLI call starts Node: 0.3 s on an idle machine, seconds on a loaded 2-core one.
describe('the keyward command', { timeout: 120_000 }, () => {
  it('serve on an empty database prints the commands that make the first org, user and key', async () => {
    const server = await ServerProcess.start();
    try {
      // The advice follows the "serving on" line that start() waits for.
      for (let i = 0; i < 50 && !server.output.join('').includes('keys create'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const output = server.output.join('');
      expect(output).toContain('keyward: serving on http://127.0.0.1:');
      expect(output).toContain('The database has no users yet');
      for (const command of [
        'orgs create --name',
        'users create --username',
        'keys create --username',
      ]) {
        expect(output).toContain(`npx keyward ${command}`);
      }
    } finally {
      await server.stop();
    }
  });

  it('documents its commands and flags', () => {
    const help = keyward(['--help']);
    expect(help.status).toBe(0);
    for (const command of ['serve', 'orgs', 'users', 'keys', 'migrate'])
      expect(help.stdout).toContain(command);
    const serve = keyward(['serve', '--help']).stdout;
    for (const flag of [
      '--host',
      '--port',
      '--realm',
      '--digest-algorithms',
      '--public-url',
      'KEYWARD_PORT',
    ]) {
      expect(serve).toContain(flag);
    }
    // Every core by default (issue 10): one worker per core, `--workers 1` for one process.
    expect(serve.replace(/\s+/g, ' ')).toContain('(default: "auto", env: KEYWARD_WORKERS)');
  });

  it('fails bad input with one line on stderr and a non-zero status, writing nothing', async () => {
    const f = await startWithUser();
    await f.server.stop();
    const db = ['--database', f.server.database];
    const duplicate = keyward(['users', 'create', '--username', f.username, ...db]);
    expect(duplicate.status).not.toBe(0);
    expect(duplicate.stderr.trim().split('\n')).toHaveLength(1);
    expect(duplicate.stderr).toMatch(/^keyward: error: that username is taken/);
    const unknown = keyward(['keys', 'create', '--username', 'ghost', '--description', 'x', ...db]);
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toContain('no user named "ghost"');
    const badId = keyward(['keys', 'disable', '--username', f.username, '--id', 'xyz', ...db]);
    expect(badId.status).not.toBe(0);
    expect(badId.stderr).toContain('24-hex');
    const list = keywardJson<KeyList>(['keys', 'list', '--username', f.username, ...db]);
    expect(list.results).toHaveLength(1);
    expect(list.results[0]?.obfuscatedKey).toMatch(/^\*{8}-\*{4}-\*{4}-[0-9a-f]{12}$/);
    await f.cleanup();
  });
});

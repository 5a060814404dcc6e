import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { request as urllib } from 'urllib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/store/sqlite-driver.js';
import { keyward, ServerProcess } from '../support/server-process.js';
import { curl, type SeededAccount, seedDatabase } from './fixture.js';

const BIN = new URL('../../bin/keyward.js', import.meta.url).pathname;
const run = promisify(execFile);

type Key = SeededAccount;

// `keyward backup` while a server is under authenticated load that writes (usage flushes,
// new keys): the copy opens, passes integrity_check, and a server started on it accepts every
// key that existed when the backup began.
// CLI processes and two servers: generous limits for a loaded machine.
describe('keyward backup', { timeout: 120_000 }, () => {
  let folder: string;
  let server: ServerProcess;
  const database = () => join(folder, 'keyward.db');
  const keys: Key[] = [];

  const get = (url: string, k: Key) =>
    urllib(url, { digestAuth: `${k.username}:${k.key}`, dataType: 'json', timeout: 10_000 });
  const createKey = async (base: string, k: Key, description: string): Promise<Key> => {
    const res = await urllib(`${base}/api/atlas/v1.0/users/${k.userId}/keys`, {
      method: 'POST',
      digestAuth: `${k.username}:${k.key}`,
      data: { description },
      contentType: 'json',
      dataType: 'json',
    });
    expect(res.status).toBe(201);
    return { ...k, key: (res.data as { key: string }).key };
  };

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'keyward-backup-'));
    const seeded = seedDatabase(database(), 'Backed up', ['ann@example.com', 'ben@example.com']);
    keys.push(...seeded.accounts);
    server = await ServerProcess.start([], database());
    // More keys through the API, so the copy has several per user to check.
    for (let i = 0; i < 6; i++) {
      const owner = keys[i % 2] as Key;
      keys.push(await createKey(server.url, owner, `made before the backup ${i}`));
    }
  }, 120_000);
  afterAll(async () => {
    await server.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('copies a database under load, and the copy authenticates every key it held', async () => {
    const existing = [...keys];
    let stop = false;
    let served = 0;
    let failed = 0;
    const load = async (worker: number) => {
      for (let i = 0; !stop; i++) {
        const k = existing[(worker + i) % existing.length] as Key;
        // Reads (each one a usage count to flush) and, now and then, a new key: writes. At
        // most ten keys per loop: an idle machine runs thousands of iterations, and each
        // user may hold only --max-keys-per-user (100) keys.
        const ok =
          i % 10 === 9 && i < 100
            ? await createKey(server.url, k, `made during the backup ${worker}-${i}`).then(
                () => true,
              )
            : (await get(`${server.url}/api/atlas/v1.0/users/${k.userId}/keys`, k)).status === 200;
        if (ok) served++;
        else failed++;
      }
    };
    const loads = [0, 1, 2, 3].map(load);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const servedBefore = served;
    const copy = join(folder, 'copy.db');
    const backup = await run(process.execPath, [
      BIN,
      'backup',
      '--database',
      database(),
      '--to',
      copy,
      '--json',
    ]);
    const servedDuring = served - servedBefore;
    await new Promise((resolve) => setTimeout(resolve, 500));
    stop = true;
    await Promise.all(loads);
    expect(failed).toBe(0);
    expect(servedDuring).toBeGreaterThan(0);
    expect(JSON.parse(backup.stdout)).toMatchObject({ status: 'ok', integrity: 'ok', to: copy });
    // No temporary file left beside it.
    expect(readdirSync(folder).filter((name) => name.includes('partial'))).toEqual([]);

    const opened = openSqlite(copy, { mustExist: true });
    try {
      expect(opened.prepare('pragma integrity_check').all([])).toEqual([{ integrity_check: 'ok' }]);
    } finally {
      opened.close();
    }

    const restored = await ServerProcess.start([], copy);
    try {
      for (const k of existing) {
        const res = await get(`${restored.url}/api/atlas/v1.0/users/${k.userId}`, k);
        expect(res.status, k.username).toBe(200);
      }
      const [first] = existing as [Key];
      const viaCurl = curl([
        '--digest',
        '-u',
        `${first.username}:${first.key}`,
        `${restored.url}/api/atlas/v1.0/users/${first.userId}`,
      ]);
      expect(viaCurl.status).toBe(200);
    } finally {
      await restored.stop();
    }
  });

  it('refuses to overwrite a file unless --force, and a missing folder', () => {
    const target = join(folder, 'again.db');
    const args = ['backup', '--database', database(), '--to', target];
    expect(keyward(args).status).toBe(0);
    const refused = keyward(args);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`--to: ${target} already exists (add --force to replace it)`);
    expect(keyward([...args, '--force']).status).toBe(0);
    const nowhere = keyward([
      'backup',
      '--database',
      database(),
      '--to',
      join(folder, 'no', 'x.db'),
    ]);
    expect(nowhere.status).toBe(1);
    expect(nowhere.stderr).toContain('--to: no folder');
    const missing = keyward([
      'backup',
      '--database',
      join(folder, 'absent.db'),
      '--to',
      join(folder, 'y.db'),
    ]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no database at');
    expect(existsSync(join(folder, 'absent.db'))).toBe(false);
  });

  it('explains pg_dump for a PostgreSQL database, without its password', () => {
    const result = keyward([
      'backup',
      '--database',
      'postgres://keyward:s3cret@db.example:5432/keyward',
      '--to',
      'out.dump',
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      "pg_dump --format=custom --file='out.dump' 'postgres://keyward@db.example:5432/keyward'",
    );
    expect(result.stderr).not.toContain('s3cret');
  });
});

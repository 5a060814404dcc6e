import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/domain/passwords.js';
import { openStore } from '../../src/store/open-store.js';

const BIN = new URL('../../bin/keyward.js', import.meta.url).pathname;
const folder = mkdtempSync(join(tmpdir(), 'keyward-passwords-'));
const database = join(folder, 'keyward.db');

function keyward(args: string[], input: string) {
  return spawnSync(process.execPath, [BIN, ...args, '--database', database], {
    input,
    encoding: 'utf8',
  });
}

async function stored(username: string) {
  const store = await openStore(database);
  try {
    return await store.getPasswordHash(username);
  } finally {
    await store.close();
  }
}

describe('console passwords from the CLI', () => {
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('users create --password-stdin stores only a hash of the line it reads', async () => {
    expect(keyward(['migrate'], '').status).toBe(0);
    const created = keyward(
      ['users', 'create', '--username', 'admin', '--global-owner', '--password-stdin'],
      'first password!\n',
    );
    expect(created.status).toBe(0);
    const hash = await stored('admin');
    expect(hash).toMatch(/^scrypt\$/);
    expect(await verifyPassword('first password!', hash ?? '')).toBe(true);
  });

  it('users set-password replaces it; short passwords and unknown users are refused', async () => {
    expect(
      keyward(
        ['users', 'set-password', '--username', 'admin', '--password-stdin'],
        'second password!',
      ).status,
    ).toBe(0);
    const hash = await stored('admin');
    expect(await verifyPassword('second password!', hash ?? '')).toBe(true);
    expect(await verifyPassword('first password!', hash ?? '')).toBe(false);

    const short = keyward(
      ['users', 'set-password', '--username', 'admin', '--password-stdin'],
      'short\n',
    );
    expect(short.status).not.toBe(0);
    expect(short.stderr).toContain('at least 12 characters');
    expect(await stored('admin')).toBe(hash);

    const ghost = keyward(
      ['users', 'set-password', '--username', 'ghost', '--password-stdin'],
      'long enough password',
    );
    expect(ghost.status).not.toBe(0);
    expect(ghost.stderr).toContain('no user named "ghost"');
  });
});

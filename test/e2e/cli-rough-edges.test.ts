import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keyward, keywardJson, ServerProcess } from '../support/server-process.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// Each CLI call starts Node: 0.3 s on an idle machine, seconds on a loaded 2-core one.
describe('the CLI as a script sees it', { timeout: 120_000 }, () => {
  const folder = mkdtempSync(join(tmpdir(), 'keyward-cli-edges-'));
  const database = join(folder, 'keyward.db');
  const db = ['--database', database];
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('a mistyped --database fails every command but migrate, creating nothing', () => {
    const typo = join(folder, 'keyword.db');
    for (const args of [
      ['orgs', 'list'],
      ['users', 'create', '--username', 'ada'],
      ['users', 'list'],
    ]) {
      const result = keyward([...args, '--database', typo]);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/^keyward: error: no database at .*keyword\.db/);
      expect(existsSync(typo)).toBe(false);
    }
    const nested = join(folder, 'no-such-folder', 'keyward.db');
    expect(keyward(['orgs', 'list', '--database', nested]).status).toBe(1);
    expect(existsSync(join(folder, 'no-such-folder'))).toBe(false);

    expect(keyward(['migrate', ...db]).status).toBe(0);
    expect(existsSync(database)).toBe(true);
    expect(keyward(['orgs', 'list', ...db]).status).toBe(0);
  });

  it('keys create prints the key alone on stdout; --quiet also silences stderr', () => {
    keywardJson(['users', 'create', '--username', 'ci-bot', ...db]);
    const create = (...extra: string[]) =>
      keyward([
        'keys',
        'create',
        '--username',
        'ci-bot',
        '--description',
        'deploys',
        ...extra,
        ...db,
      ]);

    const plain = create();
    expect(plain.status).toBe(0);
    expect(plain.stdout.trimEnd()).toMatch(UUID);
    expect(plain.stderr).toMatch(/^created key [0-9a-f]{24} for ci-bot; copy it now/);

    const quiet = create('--quiet');
    expect(quiet.status).toBe(0);
    expect(quiet.stdout).toMatch(/^[0-9a-f-]{36}\n$/);
    expect(quiet.stderr).toBe('');

    const json = create('--quiet', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ key: expect.stringMatching(UUID) });
  });

  it('--json links use the public URL the server was started with, unless told otherwise', async () => {
    const server = await ServerProcess.start(
      ['--public-url', 'https://Keys.Example.com/'],
      database,
    );
    await server.stop();
    const user = keywardJson<{ links: { href: string }[] }>([
      'users',
      'create',
      '--username',
      'linked',
      ...db,
    ]);
    expect(user.links[0]?.href).toMatch(
      /^https:\/\/keys\.example\.com\/api\/atlas\/v1\.0\/users\/[0-9a-f]{24}$/,
    );
    const told = keyward(['users', 'list', '--json', ...db], {
      KEYWARD_PUBLIC_URL: 'https://elsewhere.example',
    });
    expect(told.stdout).toContain('https://elsewhere.example/api/atlas/v1.0/users/');
    expect(told.stdout).not.toContain('keys.example.com');
  });

  it('marks required flags in --help and prefixes every error alike', () => {
    const help = keyward(['keys', 'create', '--help']).stdout.replace(/\s+/g, ' ');
    expect(help).toContain('--username <name> the key owner (required)');
    expect(help).toMatch(/--description <text> what the key is for \([^)]*\) \(required\)/);
    expect(help).not.toMatch(/--quiet[^-]*\(required\)/);
    expect(keyward(['users', 'set-role', '--help']).stdout).toMatch(/--role <role>.*\(required\)/);

    const missing = keyward(['keys', 'list', ...db]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^keyward: error: required option '--username <name>'/);
    const badChoice = keyward(['users', 'create', '--username', 'x', '--role', 'KING', ...db]);
    expect(badChoice.status).toBe(1);
    expect(badChoice.stderr).toMatch(/^keyward: error: option '--role <role>' argument 'KING'/);
    const unknownCommand = keyward(['orgz']);
    expect(unknownCommand.stderr).toMatch(/^keyward: error: unknown command 'orgz'/);
  });

  it('refuses blank names and malformed emails with the same rules as the console', () => {
    const blankOrg = keyward(['orgs', 'create', '--name', '   ', ...db]);
    expect(blankOrg.status).toBe(1);
    expect(blankOrg.stderr).toBe('keyward: error: --name: the name must not be blank\n');
    const blankUser = keyward(['users', 'create', '--username', '  ', ...db]);
    expect(blankUser.stderr).toContain('The username must not be blank.');
    const badEmail = keyward([
      'users',
      'create',
      '--username',
      'carol',
      '--email',
      'carol@@bad',
      ...db,
    ]);
    expect(badEmail.status).toBe(1);
    expect(badEmail.stderr).toContain('--email: not an email address');
    const trimmed = keywardJson<{ emailAddress: string; firstName: string }>([
      'users',
      'create',
      '--username',
      'carol',
      '--email',
      ' carol@example.com ',
      '--first-name',
      '  Carol ',
      ...db,
    ]);
    expect(trimmed).toMatchObject({ emailAddress: 'carol@example.com', firstName: 'Carol' });
    const update = keyward(['users', 'update', '--username', 'carol', '--email', 'a b@x', ...db]);
    expect(update.stderr).toContain('--email: not an email address');
  });
});

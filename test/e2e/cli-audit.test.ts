// The CLI records every change as its own, by the OS user running it; `keyward audit list`
// reads the trail back, filtered, as a table or JSON lines; no row holds a secret.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/domain/audit.js';
import { cellsHoldingSecrets } from '../support/audit.js';

const BIN = new URL('../../bin/keyward.js', import.meta.url).pathname;
const folder = mkdtempSync(join(tmpdir(), 'keyward-cli-audit-'));
const database = join(folder, 'keyward.db');
const PASSWORD = 'a console password';

function keyward(args: string[], input = '') {
  const run = spawnSync(process.execPath, [BIN, ...args, '--database', database], {
    input,
    encoding: 'utf8',
  });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout.trim();
}
const json = (args: string[], input = '') => JSON.parse(keyward([...args, '--json'], input));
const audit = (args: string[] = []): AuditEvent[] =>
  keyward(['audit', 'list', '--json', ...args])
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));

describe('the audit trail of the CLI', () => {
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const secrets: string[] = [PASSWORD];
  let danaId = '';

  it('records each change as the CLI run by this OS user', () => {
    keyward(['migrate']);
    const org = json(['orgs', 'create', '--name', 'Ops']);
    const dana = json(
      ['users', 'create', '--username', 'dana', '--password-stdin'],
      `${PASSWORD}\n`,
    );
    danaId = dana.id;
    keyward(['users', 'set-role', '--username', 'dana', '--org', org.id, '--role', 'ORG_OWNER']);
    keyward(['users', 'global-owner', '--username', 'dana', 'on']);
    const key = json(['keys', 'create', '--username', 'dana', '--description', 'ci']);
    const rolled = json(['keys', 'roll', '--username', 'dana', '--id', key.id]);
    keyward(['keys', 'disable', '--username', 'dana', '--id', key.id]);
    keyward(['accesslist', 'add', '--user', 'dana', '--address', '192.0.2.1']);
    const apiKey = json([
      'apikeys',
      'create',
      '--org',
      org.id,
      '--desc',
      'd',
      '--role',
      'ORG_MEMBER',
    ]);
    const link = keyward([
      'users',
      'invite',
      '--username',
      'dana',
      '--public-url',
      'http://k.test',
    ]);
    keyward(['users', 'set-password', '--username', 'dana', '--password-stdin'], `${PASSWORD}!\n`);
    keyward(['users', 'delete', '--username', 'dana']);
    secrets.push(
      key.key,
      rolled.key,
      apiKey.privateKey,
      new URL(link).searchParams.get('token') ?? link,
    );

    // Newest first, to the second: events of separate CLI processes within one second have no
    // order between them (their ids are random per process), so compare the times' order and
    // the actions as a set.
    const events = audit().reverse();
    const times = events.map((e) => e.at);
    expect(times).toEqual([...times].sort());
    expect(events.map((e) => e.action).sort()).toEqual(
      [
        'org.create',
        'user.create',
        'membership.set',
        'globalRole.grant',
        'key.create',
        'key.roll',
        'key.disable',
        'accessList.add',
        'apiKey.create',
        'invitation.create',
        'password.set',
        'user.delete',
      ].sort(),
    );
    for (const event of events) {
      expect(event.actor).toEqual({ kind: 'cli', osUser: userInfo().username });
      expect(event.origin).toEqual({ channel: 'cli' });
    }
    // A dozen CLI processes: seconds each on a loaded machine.
  }, 180_000);

  it('filters by action, user and time, and prints a table without --json', () => {
    expect(audit(['--action', 'key.roll']).map((e) => e.action)).toEqual(['key.roll']);
    expect(audit(['--since', '1h'])).toHaveLength(12);
    // Every event but the org's and its programmatic key's names her; she is gone, so by id.
    expect(audit(['--user', danaId])).toHaveLength(10);
    expect(audit(['--since', '2999-01-01'])).toEqual([]);
    const table = keyward(['audit', 'list', '--action', 'org.create']).split('\n');
    expect(table[0]).toMatch(/^WHEN +WHO +FROM +ACTION +TARGETS +OUTCOME$/);
    expect(table[1]).toContain(`cli (${userInfo().username})`);
    expect(table).toHaveLength(2);
  }, 60_000);

  it('holds no key, HA1, password or link token in any column of any row', () => {
    expect(cellsHoldingSecrets(database, secrets)).toEqual([]);
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keywardJson, ServerProcess } from '../support/server-process.js';

export interface Fixture {
  readonly server: ServerProcess;
  readonly userId: string;
  readonly username: string;
  readonly key: string;
  readonly keysUrl: string;
  /** Stops the server if it still runs and deletes its database. */
  cleanup(): Promise<void>;
}

export interface SeededAccount {
  readonly username: string;
  readonly userId: string;
  readonly key: string;
}

/**
 * A new database at `database`, made with the CLI as an administrator would: one org and, for
 * each username, a user with `role` in it and one key.
 */
export function seedDatabase(
  database: string,
  orgName: string,
  usernames: readonly string[],
  role = 'ORG_MEMBER',
): { orgId: string; accounts: SeededAccount[] } {
  const db = ['--database', database];
  // Only `serve` and `migrate` create a database; every other command needs one.
  keywardJson(['migrate', ...db]);
  const org = keywardJson<{ id: string }>(['orgs', 'create', '--name', orgName, ...db]);
  const accounts = usernames.map((username) => {
    const user = keywardJson<{ id: string }>([
      'users',
      'create',
      '--username',
      username,
      '--org',
      org.id,
      '--role',
      role,
      ...db,
    ]);
    const { key } = keywardJson<{ key: string }>([
      'keys',
      'create',
      '--username',
      username,
      '--description',
      'e2e',
      ...db,
    ]);
    return { username, userId: user.id, key };
  });
  return { orgId: org.id, accounts };
}

/** A spawned server whose database already holds an org, one user and that user's key. */
export async function startWithUser(serveArgs: readonly string[] = []): Promise<Fixture> {
  const folder = mkdtempSync(join(tmpdir(), 'keyward-clients-'));
  const database = join(folder, 'keyward.db');
  const [account] = seedDatabase(database, 'Clients', ['dev@example.com']).accounts;
  const { username, userId, key } = account as SeededAccount;
  const server = await ServerProcess.start(serveArgs, database);
  return {
    server,
    userId,
    username,
    key,
    keysUrl: `${server.url}/api/atlas/v1.0/users/${userId}/keys`,
    async cleanup() {
      await server.stop();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** The fixture user's keys as `keyward keys list --json` reads them from the database. */
export function storedKeys(f: Fixture) {
  return keywardJson<{ results: { usedCount: number; lastUsed?: string }[] }>([
    'keys',
    'list',
    '--username',
    f.username,
    '--database',
    f.server.database,
  ]).results;
}

export interface CurlResult {
  readonly status: number;
  readonly body: string;
  readonly trace: string;
}

/** `curl --digest` as a user would type it; the status comes from `-w`. */
export function curl(args: readonly string[]): CurlResult {
  const result = spawnSync('curl', ['-sS', '-v', '-w', '\n%{http_code}', ...args], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  const out = result.stdout;
  const cut = out.lastIndexOf('\n');
  return { status: Number(out.slice(cut + 1)), body: out.slice(0, cut), trace: result.stderr };
}

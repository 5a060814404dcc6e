// keyward under test: a database seeded through the store and the domain functions (the
// same code the CLI uses), then `keyward serve` from the build (bin/keyward.js → dist/) in
// its own process. Seeding finishes and the store is closed before the server opens the
// database, so two SQLite writers never overlap.

import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { newObjectId } from '../src/domain/ids.js';
import { issueKey, keyMaterial } from '../src/domain/keys.js';
import { resolveRealm } from '../src/domain/realm.js';
import { toTimestamp } from '../src/domain/time.js';
import { createUser } from '../src/domain/users.js';
import { openStore } from '../src/store/open-store.js';
import type { NewApiKey } from '../src/store/store.js';
import type { Credential } from './load/digest.js';
import { awaitExit, peakRssMb, registerStop, type Target, waitFor } from './proc.js';

const BIN = new URL('../bin/keyward.js', import.meta.url).pathname;
const DIST = new URL('../dist/cli/main.js', import.meta.url).pathname;

/** Keys issued through the API path (issueKey) up to this many; beyond, one bulk insert. */
const ISSUE_ONE_BY_ONE = 100;

export interface SeedUser {
  readonly username: string;
  readonly keys: number;
  /** Which key the load authenticates with: the oldest or the newest. */
  readonly authWith: 'first' | 'last';
}

export interface SeededUser extends Credential {
  readonly id: string;
}

export interface Seeded {
  readonly realm: string;
  readonly users: readonly SeededUser[];
}

export function keywardBuilt(): boolean {
  return existsSync(DIST);
}

async function bulkKeys(
  store: Awaited<ReturnType<typeof openStore>>,
  user: SeedUser,
  userId: string,
  realm: string,
) {
  const keys: NewApiKey[] = [];
  const secrets = new Map<string, string>();
  for (let i = 0; i < user.keys; i++) {
    const material = keyMaterial(user.username, realm);
    const id = newObjectId();
    secrets.set(id, material.key);
    keys.push({
      id,
      userId,
      description: `bench key ${i}`,
      createdAt: toTimestamp(),
      suffix: material.suffix,
      ha1: material.ha1,
    });
  }
  await store.insertKeys(keys);
  return secrets;
}

/** Creates the users and their keys; returns each user's id and the key it signs with. */
export async function seed(database: string, users: readonly SeedUser[]): Promise<Seeded> {
  const store = await openStore(database);
  try {
    const realm = await resolveRealm(store, undefined);
    if (!realm.ok) throw new Error('the bench database already has another realm');
    const seeded: SeededUser[] = [];
    for (const spec of users) {
      const created = await createUser(store, { username: spec.username });
      if (!created.ok) throw new Error(`seeding ${spec.username}: ${created.error}`);
      const user = created.value;
      let secrets = new Map<string, string>();
      if (spec.keys <= ISSUE_ONE_BY_ONE) {
        for (let i = 0; i < spec.keys; i++) {
          const issued = await issueKey(store, {
            user,
            description: `bench key ${i}`,
            realm: realm.value,
            maxKeysPerUser: spec.keys,
          });
          if (!issued.ok) throw new Error(`seeding ${spec.username}'s keys: ${issued.error}`);
          secrets.set(issued.value.record.id, issued.value.key);
        }
      } else {
        secrets = await bulkKeys(store, spec, user.id, realm.value);
      }
      // Lists and credential checks go oldest first, by id.
      const ids = [...secrets.keys()].sort();
      const keyId = spec.authWith === 'first' ? ids[0] : ids[ids.length - 1];
      if (keyId === undefined) throw new Error(`${spec.username} needs at least one key`);
      seeded.push({ id: user.id, username: user.username, password: secrets.get(keyId)! });
    }
    return { realm: realm.value, users: seeded };
  } finally {
    await store.close();
  }
}

export interface KeywardTarget extends Target {
  /** Bytes keyward has written to stdout (its log) so far. */
  logBytes(): number;
}

/**
 * `keyward serve --port 0 --database <database> …extraArgs`, its log written to `<name>.log`
 * in `dir`; the port is read from the line `keyward: serving on http://127.0.0.1:PORT` (stderr, any log level).
 */
export async function startKeyward(
  database: string,
  dir: string,
  extraArgs: readonly string[] = [],
  nodeArgs: readonly string[] = [],
  name = 'keyward',
  bin = BIN,
): Promise<KeywardTarget> {
  const logFile = join(dir, `${name}.log`);
  const out = openSync(logFile, 'w');
  const child = spawn(
    process.execPath,
    [...nodeArgs, bin, 'serve', '--port', '0', '--database', database, ...extraArgs],
    { stdio: ['ignore', out, out], cwd: dir },
  );
  closeSync(out);
  const pid = child.pid!;
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  const stop = async () => {
    unregister();
    if (child.exitCode === null) child.kill('SIGTERM');
    await awaitExit(pid, 15_000);
  };
  const unregister = registerStop(stop);
  try {
    const origin = await waitFor('keyward to listen', () => {
      if (child.exitCode !== null) throw new Error(`keyward exited (${child.exitCode}):\n${log()}`);
      // Read only the head: the address line comes first, whatever the log grows to.
      return /keyward: serving on (http:\/\/\S+)/.exec(log().slice(0, 64 * 1024))?.[1];
    });
    return {
      name,
      origin,
      pid,
      peakRssMb: () => peakRssMb(pid),
      logFile,
      logBytes: () => (existsSync(logFile) ? statSync(logFile).size : 0),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

// A programmatic key's access list with real clients: edited with the CLI (--org --api-key),
// enforced on a spawned server for curl --digest connecting from other loopback addresses.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyward, keywardJson, ServerProcess } from '../support/server-process.js';
import { curl } from './fixture.js';

interface KeyDocument {
  id: string;
  publicKey: string;
  privateKey: string;
}

interface Entry {
  cidrBlock: string;
  comment?: string;
  links: { href: string; rel: string }[];
}

// Each CLI call starts Node: 0.3 s on an idle machine, seconds on a loaded 2-core one.
describe('a programmatic key’s access list, from the CLI to curl', { timeout: 180_000 }, () => {
  let folder: string;
  let db: string[];
  let orgId: string;
  let key: KeyDocument;
  let server: ServerProcess | undefined;
  const owner = () => ['--org', orgId, '--api-key', key.id, ...db];

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'keyward-keyacl-'));
    const database = join(folder, 'keyward.db');
    db = ['--database', database];
    keywardJson(['migrate', ...db]);
    orgId = keywardJson<{ id: string }>(['orgs', 'create', '--name', 'Robots', ...db]).id;
    const create = ['apikeys', 'create', '--org', orgId, '--desc', 'ci', '--role', 'ORG_MEMBER'];
    key = keywardJson<KeyDocument>([...create, ...db]);
    server = await ServerProcess.start([], database);
    // Four processes in a row: slow on a busy machine.
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(folder, { recursive: true, force: true });
  }, 180_000);

  it('the CLI adds, lists and deletes the key’s entries, and names exactly one owner', () => {
    const added = keywardJson<Entry>([
      'accesslist',
      'add',
      '--address',
      '127.0.0.2',
      '--comment',
      'runner',
      ...owner(),
    ]);
    expect(added).toMatchObject({ cidrBlock: '127.0.0.2/32', comment: 'runner' });
    expect(added.links[0]?.href).toMatch(
      new RegExp(`/orgs/${orgId}/apiKeys/${key.id}/accessList/127\\.0\\.0\\.2%2F32$`),
    );
    keyward(['accesslist', 'add', '--address', '198.51.100.0/24', ...owner()]);
    const list = keywardJson<{ totalCount: number; results: Entry[] }>([
      'accesslist',
      'list',
      ...owner(),
    ]);
    expect(list.results.map((e) => e.cidrBlock).sort()).toEqual([
      '127.0.0.2/32',
      '198.51.100.0/24',
    ]);
    const removed = keyward(['accesslist', 'delete', '--address', '198.51.100.0/24', ...owner()]);
    expect(removed.status).toBe(0);
    expect(removed.stdout).toContain(`API key ${key.publicKey}`);
    const both = keyward(['accesslist', 'list', '--user', 'x', ...owner()]);
    expect(both.status).toBe(1);
    expect(both.stderr).toContain('name one owner');
    const half = keyward(['accesslist', 'list', '--org', orgId, ...db]);
    expect(half.status).toBe(1);
    const unknown = keyward(['accesslist', 'list', '--org', orgId, '--api-key', orgId, ...db]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain(`no API key ${orgId}`);
  });

  it('curl --digest with publicKey:privateKey passes from the listed address only', async () => {
    const users = `${server?.url}/api/atlas/v1.0/orgs/${orgId}/users`;
    const from = (address: string, secret = key.privateKey) =>
      curl(['--interface', address, '--digest', '-u', `${key.publicKey}:${secret}`, users]);
    // The CLI's write reaches the running server with the credentials revision (a poll).
    await expect.poll(() => from('127.0.0.3').status, { timeout: 15_000 }).toBe(403);
    const listed = from('127.0.0.2');
    expect(listed.status, listed.body).toBe(200);
    const refused = from('127.0.0.3');
    expect(JSON.parse(refused.body)).toMatchObject({
      errorCode: 'IP_ADDRESS_NOT_ON_ACCESS_LIST',
      detail: 'IP address 127.0.0.3 is not allowed to access this resource.',
    });
    const wrong = from('127.0.0.3', 'nope');
    expect(wrong.status).toBe(401);
    expect(wrong.body).not.toContain('ACCESS_LIST');
  });
});

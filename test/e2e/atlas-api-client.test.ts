import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AtlasClient, CreateAtlasUserRequest } from 'mongodb-atlas-api-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROFILE_PROBLEMS } from '../../src/domain/users.js';
import { keyward, ServerProcess } from '../support/server-process.js';
import { seedDatabase } from './fixture.js';

// The package is CommonJS exporting the function itself, while its types declare a default
// export, which NodeNext then finds only under `.default`: require it as it really is.
const getMongodbAtlasApiClient = createRequire(import.meta.url)(
  'mongodb-atlas-api-client',
) as typeof import('mongodb-atlas-api-client').default;

// The npm `mongodb-atlas-api-client` (urllib's digestAuth underneath) on the org and user
// resources, as an ORG_OWNER with a personal key, against a spawned server.
describe('mongodb-atlas-api-client against a spawned server', { timeout: 60_000 }, () => {
  let folder: string;
  let server: ServerProcess;
  let client: AtlasClient;
  let orgId: string;
  const database = () => join(folder, 'keyward.db');

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'keyward-atlas-client-'));
    const username = 'owner@example.com';
    const seeded = seedDatabase(database(), 'Atlas Clients', [username], 'ORG_OWNER');
    orgId = seeded.orgId;
    const key = seeded.accounts[0]?.key ?? '';
    server = await ServerProcess.start([], database());
    client = getMongodbAtlasApiClient({
      publicKey: username,
      privateKey: key,
      baseUrl: `${server.url}/api/atlas/v1.0`,
    });
  }, 120_000);
  afterAll(async () => {
    await server.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('organization.getById, getAll and rename', async () => {
    expect(await client.organization.getById(orgId)).toEqual({
      id: orgId,
      isDeleted: false,
      links: [{ href: `${server.url}/api/atlas/v1.0/orgs/${orgId}`, rel: 'self' }],
      name: 'Atlas Clients',
    });
    const all = await client.organization.getAll({ itemsPerPage: 10 });
    expect(all).toMatchObject({ totalCount: 1, results: [{ id: orgId, name: 'Atlas Clients' }] });
    expect(await client.organization.rename(orgId, { name: 'Renamed' })).toMatchObject({
      id: orgId,
      name: 'Renamed',
    });
    expect(await client.organization.getById(orgId, { envelope: true })).toMatchObject({
      status: 200,
      content: { name: 'Renamed' },
    });
  });

  it('atlasUser.create, getByName and update', async () => {
    const body = {
      username: 'carol@example.com',
      password: 'a console password',
      emailAddress: 'carol@example.com',
      firstName: 'Carol',
      lastName: 'Jones',
      country: 'GB',
      roles: [{ orgId, roleName: 'ORG_MEMBER' }],
    } as unknown as CreateAtlasUserRequest;
    const created = await client.atlasUser.create(body);
    expect(created).toMatchObject({
      username: 'carol@example.com',
      firstName: 'Carol',
      roles: [{ orgId, roleName: 'ORG_MEMBER' }],
    });
    const owner = await client.atlasUser.getByName('owner@example.com');
    expect(owner).toMatchObject({
      username: 'owner@example.com',
      roles: [{ orgId, roleName: 'ORG_OWNER' }],
    });
    const id = (owner as { id: string }).id;
    expect(
      await client.atlasUser.update(id, { firstName: 'Olive', lastName: 'Owner' }),
    ).toMatchObject({
      id,
      firstName: 'Olive',
      lastName: 'Owner',
    });
    // Refusals reach the client as Atlas error documents, with the CLI's words.
    const refused = await client.atlasUser.update(id, { emailAddress: 'nope' });
    expect(refused).toMatchObject({
      error: 400,
      errorCode: 'INVALID_ATTRIBUTE',
      detail: `Invalid attribute emailAddress specified: ${PROFILE_PROBLEMS['not-an-email']}.`,
    });
    const cli = keyward([
      'users',
      'update',
      '--username',
      'carol@example.com',
      '--email',
      'nope',
      '--database',
      database(),
    ]);
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain(`--email: ${PROFILE_PROBLEMS['not-an-email']}`);
    expect(await client.atlasUser.create(body)).toMatchObject({
      error: 409,
      errorCode: 'USER_ALREADY_EXISTS',
    });
  });
});

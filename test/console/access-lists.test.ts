import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/domain/passwords.js';
import { TestApi } from '../support/api.js';
import { ConsoleClient } from '../support/console-client.js';

const PASSWORD = 'a console password';
const ATLAS = '/api/atlas/v1.0';

// API access lists in the console: a user edits the list gating their own keys (a
// GLOBAL_OWNER anyone's), an org's key managers the list of each programmatic key.
describe('API access lists in the console', () => {
  let api: TestApi;
  let alice: ConsoleClient;
  let list: string;

  const signedIn = async (username: string, page: string) => {
    const client = new ConsoleClient(api.app);
    await client.signIn(username, PASSWORD);
    await client.get(page);
    return client;
  };
  const add = (client: ConsoleClient, target: string, address: string, comment = '') =>
    client.post(target, { _csrf: client.csrf, address, comment });
  const blocks = async (kind: 'user' | 'apiKey', id: string) =>
    api.service.store.accessBlocks({ kind, id });

  beforeEach(async () => {
    api = await TestApi.start();
    const hash = await hashPassword(PASSWORD);
    for (const name of ['root', api.alice.username, api.bob.username]) {
      await api.service.store.setPasswordHash(name, hash);
    }
    list = `/console/users/${api.alice.user.id}/access-list`;
    alice = await signedIn(api.alice.username, list);
  });
  afterEach(() => api?.close());

  it('lets a user add to their own list, which then gates their keys, and remove from it', async () => {
    expect((await alice.get('/console/keys')).body).toContain(`href="${list}"`);
    await alice.get(list);
    const added = await add(alice, list, '10.1.2.3', 'the office');
    expect(added.headers.location).toBe(`${list}?notice=access-entry-added`);
    expect((await add(alice, list, '2001:db8::/32')).statusCode).toBe(303);
    expect(await blocks('user', api.alice.user.id)).toEqual(['10.1.2.3/32', '2001:db8::/32']);
    const page = await alice.get(list);
    expect(page.body).toContain('<code>10.1.2.3</code>');
    expect(page.body).toContain('the office');
    // The cached credentials were dropped: the key is refused from the injected 127.0.0.1.
    const gated = await api.request({ url: `${ATLAS}/users/${api.alice.user.id}`, as: api.alice });
    expect(gated.statusCode).toBe(403);
    expect(gated.json()).toMatchObject({ errorCode: 'IP_ADDRESS_NOT_ON_ACCESS_LIST' });
    const removed = await alice.post(`${list}/remove`, {
      _csrf: alice.csrf,
      cidrBlock: '10.1.2.3/32',
    });
    expect(removed.headers.location).toBe(`${list}?notice=access-entry-removed`);
    expect(await blocks('user', api.alice.user.id)).toEqual(['2001:db8::/32']);
  });

  it('shows the API’s code and words for a bad address, and adds nothing', async () => {
    const bad = await add(alice, list, '10.0.0.300');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain(
      'INVALID_IP_ADDRESS_OR_CIDR_NOTATION: The address 10.0.0.300 must be in valid IP address or CIDR notation.',
    );
    expect(bad.body).toContain('value="10.0.0.300"');
    expect((await add(alice, list, '10.0.0.0/33')).statusCode).toBe(400);
    expect(await blocks('user', api.alice.user.id)).toEqual([]);
  });

  it('counts use through an entry, and removes the entry admitting the browser', async () => {
    await add(alice, list, '127.0.0.1', 'here');
    const used = await api.request({ url: `${ATLAS}/users/${api.alice.user.id}`, as: api.alice });
    expect(used.statusCode).toBe(200);
    const page = await alice.get(list);
    expect(page.body).toMatch(/data-label="Uses">1</);
    expect(page.body).toContain('data-label="Last used from"><code>127.0.0.1</code>');
    // Not CANNOT_REMOVE_CALLER_FROM_WHITELIST: the console session is not gated by the list.
    const removed = await alice.post(`${list}/remove`, {
      _csrf: alice.csrf,
      cidrBlock: '127.0.0.1/32',
    });
    expect(removed.headers.location).toBe(`${list}?notice=access-entry-removed`);
    expect(await blocks('user', api.alice.user.id)).toEqual([]);
  });

  it('refuses another user’s list to a non-GLOBAL_OWNER, and opens it to a GLOBAL_OWNER', async () => {
    const bob = await signedIn(api.bob.username, '/console/keys');
    expect((await bob.get(list)).statusCode).toBe(404);
    expect((await add(bob, list, '10.9.9.9')).statusCode).toBe(404);
    expect(await blocks('user', api.alice.user.id)).toEqual([]);
    const root = await signedIn('root', list);
    expect((await add(root, list, '10.9.9.9')).statusCode).toBe(303);
    expect(await blocks('user', api.alice.user.id)).toEqual(['10.9.9.9/32']);
    const userPage = await root.get(`/console/users/${api.alice.user.id}`);
    expect(userPage.body).toContain(`href="${list}"`);
  });

  it('edits a programmatic key’s list on its page, for its org’s owners only', async () => {
    await api.service.store.setMembership(api.alice.user.id, api.orgId, 'ORG_OWNER');
    const keys = `/console/orgs/${api.orgId}/api-keys`;
    await alice.get(keys);
    const created = await alice.post(keys, { _csrf: alice.csrf, desc: 'ci', roles: 'ORG_MEMBER' });
    const page = String(created.headers.location).replace('#new-key-panel', '');
    const keyId = page.split('/').at(-1) ?? '';
    await alice.get(page);
    const target = `${page}/access-list`;
    const bad = await add(alice, target, '1.2.3');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('INVALID_IP_ADDRESS_OR_CIDR_NOTATION');
    const added = await add(alice, target, '192.0.2.0/24', 'ci runners');
    expect(added.headers.location).toBe(`${page}?notice=access-entry-added#access-list`);
    expect(await blocks('apiKey', keyId)).toEqual(['192.0.2.0/24']);
    expect((await alice.get(page)).body).toContain('ci runners');
    const bob = await signedIn(api.bob.username, '/console/keys');
    expect((await add(bob, target, '10.9.9.9')).statusCode).toBe(404);
    const removed = await alice.post(`${target}/remove`, {
      _csrf: alice.csrf,
      cidrBlock: '192.0.2.0/24',
    });
    expect(removed.statusCode).toBe(303);
    expect(await blocks('apiKey', keyId)).toEqual([]);
  });
});

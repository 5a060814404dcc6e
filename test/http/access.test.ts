import type { LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { newObjectId } from '../../src/domain/ids.js';
import { toTimestamp } from '../../src/domain/time.js';
import { ATLAS, TestApi } from '../support/api.js';

// Whether a target exists must not change the work done for someone who may not act on it:
// a lookup that runs only to be refused shows in the response time (issue 9, item 5). So the
// real store's lookups are counted (not replaced) and must not run at all.
describe('access is decided before any lookup of the target', () => {
  let api: TestApi;
  let otherOrg: string;
  beforeAll(async () => {
    api = await TestApi.start();
    otherOrg = newObjectId();
    await api.service.store.createOrg({ id: otherOrg, name: 'Other', createdAt: toTimestamp() });
  });
  afterAll(() => api.close());
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const lookups = () => {
    const { store } = api.service;
    return [
      vi.spyOn(store, 'getUserByUsername'),
      vi.spyOn(store, 'getUserById'),
      vi.spyOn(store, 'getOrg'),
      vi.spyOn(store, 'renameOrg'),
      vi.spyOn(store, 'deleteEmptyOrg'),
      vi.spyOn(store, 'createUser'),
      vi.spyOn(store, 'updateProfile'),
    ];
  };

  // Nonces and the digest of each exchange differ per request; everything else must match
  // byte for byte.
  const PER_REQUEST = /\b(nonce|cnonce|nc|rspauth)=("[^"]*"|[^,\s]*)/g;
  const wire = (res: LightMyRequestResponse) => ({
    status: res.statusCode,
    headers: Object.entries(res.headers)
      .filter(([name]) => name !== 'date')
      .map(([name, value]) => `${name}: ${String(value).replace(PER_REQUEST, '$1=…')}`),
    body: res.rawPayload.toString('hex'),
  });

  interface Case {
    readonly what: string;
    readonly url: (target: string) => string;
    readonly existing: () => string;
    readonly unknown: string;
    readonly method?: 'POST' | 'PATCH' | 'DELETE';
    readonly body?: object | ((target: string) => object);
  }
  const unknownId = 'e'.repeat(24);
  const cases: Case[] = [
    {
      what: 'a user by name',
      url: (name) => `${ATLAS}/users/byName/${name}`,
      existing: () => api.bob.username,
      unknown: 'nobody@example.com',
    },
    {
      what: 'a user by id',
      url: (id) => `${ATLAS}/users/${id}`,
      existing: () => api.bob.user.id,
      unknown: unknownId,
    },
    {
      what: "a user's keys",
      url: (id) => `${ATLAS}/users/${id}/keys`,
      existing: () => api.bob.user.id,
      unknown: unknownId,
    },
    {
      what: 'a new key for a user',
      url: (id) => `${ATLAS}/users/${id}/keys`,
      existing: () => api.bob.user.id,
      unknown: unknownId,
      method: 'POST',
      body: { description: 'not yours' },
    },
    {
      what: "disabling a user's key",
      url: (id) => `${ATLAS}/users/${id}/keys/${api.bob.keyId}`,
      existing: () => api.bob.user.id,
      unknown: unknownId,
      method: 'PATCH',
      body: { enabled: false },
    },
    {
      what: "deleting a user's key",
      url: (id) => `${ATLAS}/users/${id}/keys/${api.bob.keyId}`,
      existing: () => api.bob.user.id,
      unknown: unknownId,
      method: 'DELETE',
    },
    {
      what: 'the users of an org alice is not in',
      url: (id) => `${ATLAS}/orgs/${id}/users`,
      existing: () => otherOrg,
      unknown: unknownId,
    },
    {
      what: 'an org alice is not in',
      url: (id) => `${ATLAS}/orgs/${id}`,
      existing: () => otherOrg,
      unknown: unknownId,
    },
    {
      what: 'renaming an org alice does not own',
      url: (id) => `${ATLAS}/orgs/${id}`,
      existing: () => api.orgId,
      unknown: unknownId,
      method: 'PATCH',
      body: { name: 'Taken over' },
    },
    {
      what: 'deleting an org alice does not own',
      url: (id) => `${ATLAS}/orgs/${id}`,
      existing: () => api.orgId,
      unknown: unknownId,
      method: 'DELETE',
    },
    {
      what: 'a new user in an org alice does not own',
      url: () => `${ATLAS}/users`,
      existing: () => api.orgId,
      unknown: unknownId,
      method: 'POST',
      body: (orgId) => ({
        username: 'mallory@example.com',
        emailAddress: '',
        firstName: '',
        lastName: '',
        roles: [{ orgId, roleName: 'ORG_OWNER' }],
      }),
    },
    {
      what: "changing a user's profile",
      url: (id) => `${ATLAS}/users/${id}`,
      existing: () => api.bob.user.id,
      unknown: unknownId,
      method: 'PATCH',
      body: { firstName: 'Mallory' },
    },
  ];

  it.each(cases)('answers a non-GLOBAL_OWNER alike, with no lookup: $what', async (c) => {
    const spies = lookups();
    const answers = [];
    for (const target of [c.existing(), c.unknown]) {
      const { method } = c;
      const body = typeof c.body === 'function' ? c.body(target) : c.body;
      answers.push(await api.request({ method, url: c.url(target), as: api.alice, body }));
    }
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    const [existing, unknown] = answers.map(wire);
    expect(existing?.status).toBe(401);
    expect(existing).toEqual(unknown);
  });

  it('still looks the target up for a GLOBAL_OWNER', async () => {
    const [byName] = lookups();
    const res = await api.request({ url: `${ATLAS}/users/byName/nobody`, as: api.root });
    expect(res.statusCode).toBe(401);
    expect(byName).toHaveBeenCalledWith('nobody');
  });
});

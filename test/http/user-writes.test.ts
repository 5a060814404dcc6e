import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newObjectId } from '../../src/domain/ids.js';
import { verifyPassword } from '../../src/domain/passwords.js';
import { toTimestamp } from '../../src/domain/time.js';
import { PROFILE_PROBLEMS, USERNAME_RULE } from '../../src/domain/users.js';
import { type Account, createAccount, TestApi } from '../support/api.js';

const UNAUTHORIZED =
  '{"error":401,"reason":"Unauthorized","detail":"You are not authorized for this resource."}';

describe.each(['/api/atlas/v1.0', '/api/public/v1.0'])(
  'POST /users and PATCH /users/{id} under %s',
  (prefix) => {
    let api: TestApi;
    let owner: Account;
    let otherOrg: string;
    let n = 0;
    const fresh = () => `new${++n}${prefix.length}@example.com`;
    beforeAll(async () => {
      api = await TestApi.start();
      otherOrg = newObjectId();
      await api.service.store.createOrg({ id: otherOrg, name: 'Other', createdAt: toTimestamp() });
      owner = await createAccount(api.service, {
        username: 'owner@example.com',
        org: { orgId: api.orgId, roleName: 'ORG_OWNER' },
      });
    });
    afterAll(() => api.close());

    const create = (as: Account, body: Record<string, unknown>) =>
      api.request({ method: 'POST', url: `${prefix}/users`, as, body });
    const update = (as: Account, id: string, body: unknown) =>
      api.request({ method: 'PATCH', url: `${prefix}/users/${id}`, as, body });
    const newUser = (overrides: Record<string, unknown> = {}) => ({
      username: fresh(),
      emailAddress: 'carol@example.com',
      firstName: 'Carol',
      lastName: 'Jones',
      roles: [{ orgId: api.orgId, roleName: 'ORG_MEMBER' }],
      ...overrides,
    });

    it('lets an ORG_OWNER create a user in its org, answered with the user document', async () => {
      const body = newUser({ country: 'GB', mobileNumber: '2025550123' });
      const res = await create(owner, body);
      expect(res.statusCode).toBe(201);
      const user = res.json();
      expect(Object.keys(user)).toEqual([
        'emailAddress',
        'firstName',
        'id',
        'lastName',
        'links',
        'roles',
        'username',
      ]);
      expect(user).toMatchObject({
        username: body.username,
        emailAddress: 'carol@example.com',
        roles: [{ orgId: api.orgId, roleName: 'ORG_MEMBER' }],
        links: [{ href: `http://localhost:80${prefix}/users/${user.id}`, rel: 'self' }],
      });
      const members = (
        await api.request({ url: `${prefix}/orgs/${api.orgId}/users`, as: owner })
      ).json();
      expect(members.results.map((u: { id: string }) => u.id)).toContain(user.id);
      expect(await api.service.store.getPasswordHash(body.username as string)).toBeUndefined();
    });

    it('lets a GLOBAL_OWNER create a user in any org, with a console password', async () => {
      const body = newUser({
        password: 'correct horse battery',
        roles: [
          { orgId: api.orgId, roleName: 'ORG_OWNER' },
          { orgId: otherOrg, roleName: 'ORG_READ_ONLY' },
        ],
      });
      const res = await create(api.root, body);
      expect(res.statusCode).toBe(201);
      expect(res.json().roles).toHaveLength(2);
      const hash = await api.service.store.getPasswordHash(body.username as string);
      expect(hash && (await verifyPassword('correct horse battery', hash))).toBe(true);
      expect(res.body).not.toContain('correct horse');
    });

    it('refuses anyone else, and orgs the caller does not own, with the plain 401', async () => {
      const answers = [
        await create(api.alice, newUser()),
        await create(owner, newUser({ roles: [{ orgId: otherOrg, roleName: 'ORG_MEMBER' }] })),
        await create(owner, newUser({ roles: [{ orgId: newObjectId(), roleName: 'ORG_MEMBER' }] })),
        await create(
          api.root,
          newUser({ roles: [{ orgId: newObjectId(), roleName: 'ORG_MEMBER' }] }),
        ),
      ];
      for (const res of answers) {
        expect(res.statusCode).toBe(401);
        expect(res.body).toBe(UNAUTHORIZED);
      }
    });

    it('refuses what the console and the CLI refuse, in their words', async () => {
      const cases: [Record<string, unknown>, number, string, string | undefined][] = [
        [
          { username: 'owner@example.com' },
          409,
          'USER_ALREADY_EXISTS',
          'A user with username owner@example.com already exists.',
        ],
        [
          { username: 'bad:name' },
          400,
          'INVALID_ATTRIBUTE',
          `Invalid attribute username specified. ${USERNAME_RULE}`,
        ],
        [
          { username: '  ' },
          400,
          'INVALID_ATTRIBUTE',
          'Invalid attribute username specified. The username must not be blank.',
        ],
        [
          { emailAddress: 'carol@@bad' },
          400,
          'INVALID_ATTRIBUTE',
          `Invalid attribute emailAddress specified: ${PROFILE_PROBLEMS['not-an-email']}.`,
        ],
        [
          { lastName: 'x'.repeat(257) },
          400,
          'INVALID_ATTRIBUTE',
          `Invalid attribute lastName specified: ${PROFILE_PROBLEMS['too-long']}.`,
        ],
        [
          { password: 'short' },
          400,
          'INVALID_ATTRIBUTE',
          'Invalid attribute password specified: the password must be at least 12 characters.',
        ],
        [{ roles: [] }, 400, 'INVALID_ATTRIBUTE', undefined],
        [
          { roles: [{ orgId: api.orgId, roleName: 'GLOBAL_OWNER' }] },
          400,
          'INVALID_ATTRIBUTE',
          undefined,
        ],
        [
          { roles: [{ groupId: api.orgId, roleName: 'GROUP_OWNER' }] },
          400,
          'MISSING_ATTRIBUTE',
          'The required attribute roles.0.orgId was not specified.',
        ],
        [
          {
            roles: [
              { orgId: api.orgId, roleName: 'ORG_MEMBER' },
              { orgId: api.orgId, roleName: 'ORG_OWNER' },
            ],
          },
          400,
          'INVALID_ATTRIBUTE',
          'Invalid attribute roles specified: at most one role per organization.',
        ],
        [
          { roles: undefined },
          400,
          'MISSING_ATTRIBUTE',
          'The required attribute roles was not specified.',
        ],
        [{ id: newObjectId() }, 400, 'INVALID_ATTRIBUTE', undefined],
        [{ country: 'gb' }, 400, 'INVALID_ATTRIBUTE', undefined],
      ];
      for (const [overrides, status, errorCode, detail] of cases) {
        const res = await create(owner, newUser(overrides));
        expect(res.statusCode, JSON.stringify(overrides)).toBe(status);
        expect(res.json().errorCode).toBe(errorCode);
        if (detail) expect(res.json().detail).toBe(detail);
      }
    });

    it('lets a user change their own profile, trimmed, and a GLOBAL_OWNER anyone’s', async () => {
      const own = await update(api.bob, api.bob.user.id, {
        firstName: ' Robert ',
        lastName: 'Smith',
      });
      expect(own.statusCode).toBe(200);
      expect(own.json()).toMatchObject({
        id: api.bob.user.id,
        firstName: 'Robert',
        lastName: 'Smith',
      });
      const byRoot = await update(api.root, api.bob.user.id, { emailAddress: 'bob@example.org' });
      expect(byRoot.json()).toMatchObject({ firstName: 'Robert', emailAddress: 'bob@example.org' });
      const envelope = await api.request({
        method: 'PATCH',
        url: `${prefix}/users/${api.bob.user.id}?envelope=true`,
        as: api.bob,
        body: {},
      });
      expect(envelope.json()).toMatchObject({ status: 200, content: { lastName: 'Smith' } });
    });

    it("refuses someone else's profile, unknown users and an ORG_OWNER's members alike", async () => {
      const answers = [
        await update(api.alice, api.bob.user.id, { firstName: 'Mallory' }),
        await update(owner, api.bob.user.id, { firstName: 'Mallory' }),
        await update(api.alice, newObjectId(), { firstName: 'Mallory' }),
        await update(api.root, newObjectId(), { firstName: 'Mallory' }),
      ];
      for (const res of answers) {
        expect(res.statusCode).toBe(401);
        expect(res.body).toBe(UNAUTHORIZED);
      }
    });

    it('refuses bad profiles, passwords and fixed fields', async () => {
      const cases: [unknown, string, string | undefined][] = [
        [
          { emailAddress: 'not an email' },
          'INVALID_ATTRIBUTE',
          `Invalid attribute emailAddress specified: ${PROFILE_PROBLEMS['not-an-email']}.`,
        ],
        [
          { firstName: 'x'.repeat(257) },
          'INVALID_ATTRIBUTE',
          `Invalid attribute firstName specified: ${PROFILE_PROBLEMS['too-long']}.`,
        ],
        [
          { password: 'a new password here' },
          'INVALID_ATTRIBUTE',
          'Invalid attribute password specified: a password is not changed through the API (the console or `keyward users set-password` sets it).',
        ],
        [{ username: 'renamed' }, 'INVALID_ATTRIBUTE', 'Invalid attribute username specified.'],
        [{ roles: [] }, 'INVALID_ATTRIBUTE', undefined],
        [[], 'INVALID_ATTRIBUTE', 'The request body must be a JSON object.'],
      ];
      for (const [body, errorCode, detail] of cases) {
        const res = await update(api.alice, api.alice.user.id, body);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
        expect(res.json().errorCode).toBe(errorCode);
        if (detail) expect(res.json().detail).toBe(detail);
      }
      const unchanged = (
        await api.request({ url: `${prefix}/users/${api.alice.user.id}`, as: api.alice })
      ).json();
      expect(unchanged.firstName).toBe('Alice');
    });

    it('answers 405 with Allow on the new paths', async () => {
      const res = await api.request({ method: 'GET', url: `${prefix}/users`, as: api.alice });
      expect(res.statusCode).toBe(405);
      expect(res.headers.allow).toBe('POST');
      const org = await api.request({
        method: 'POST',
        url: `${prefix}/orgs`,
        as: api.alice,
        body: {},
      });
      expect(org.statusCode).toBe(405);
      expect(org.headers.allow).toBe('GET, HEAD');
    });
  },
);

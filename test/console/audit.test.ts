// The console records its changes as the signed-in user, from the browser's address; sign-ins,
// sign-outs and failed sign-ins too, with never the name or password typed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/domain/passwords.js';
import { TestApi } from '../support/api.js';
import { auditAfter, auditCount } from '../support/audit.js';
import { ConsoleClient } from '../support/console-client.js';

const PASSWORD = 'a console password';
const WRONG = 'not the password at all';

describe('the audit trail of the console', () => {
  let api: TestApi;
  let setUp: number;
  beforeAll(async () => {
    api = await TestApi.start();
    const hash = await hashPassword(PASSWORD);
    await api.service.store.setPasswordHash('root', hash);
    await api.service.store.setPasswordHash(api.bob.username, hash);
    setUp = await auditCount(api.service.store);
  });
  afterAll(() => api.close());

  const newEvents = () => auditAfter(api.service.store, setUp);

  it('records sign-in, changes and sign-out as the user, and failures without the name typed', async () => {
    const root = new ConsoleClient(api.app);
    expect((await root.signIn('root', PASSWORD)).statusCode).toBe(303);
    await root.get('/console/keys');
    const alice = api.alice.user.id;
    const made = await root.post(`/console/users/${alice}/keys`, {
      _csrf: root.csrf,
      description: 'from the console',
    });
    expect(made.statusCode).toBe(303);
    const org = await root.post('/console/orgs', { _csrf: root.csrf, name: 'Console Org' });
    expect(org.statusCode).toBe(303);
    expect((await root.post('/console/sign-out', { _csrf: root.csrf })).statusCode).toBe(303);
    const guesser = new ConsoleClient(api.app);
    expect((await guesser.signIn(api.alice.username, WRONG)).statusCode).toBe(401);
    expect((await guesser.signIn(WRONG, WRONG)).statusCode).toBe(401);

    const events = await newEvents();
    expect(events.map((e) => e.action)).toEqual([
      'console.signIn',
      'key.create',
      'org.create',
      'console.signOut',
      'console.signInFailed',
      'console.signInFailed',
    ]);
    const rootActor = { kind: 'user', userId: api.root.user.id, username: 'root' };
    for (const event of events.slice(0, 4)) {
      expect(event.actor).toEqual(rootActor);
      expect(event.origin).toMatchObject({ channel: 'console', address: '127.0.0.1' });
    }
    expect(events[1]?.targets.userId).toBe(alice);
    expect(events[4]).toMatchObject({
      actor: { kind: 'anonymous' },
      targets: { userId: alice },
      outcome: 'failed',
    });
    expect(events[5]?.targets).toEqual({});
    expect(JSON.stringify(events)).not.toContain(WRONG);
    expect(JSON.stringify(events)).not.toContain(PASSWORD);
  });

  it('records an administrator’s changes to keys, roles, passwords, links, access lists and users', async () => {
    const before = await auditCount(api.service.store);
    const root = new ConsoleClient(api.app);
    await root.signIn('root', PASSWORD);
    await root.get('/console/keys');
    const carol = await api.account({ username: 'carol@example.com' });
    const skip = (await auditCount(api.service.store)) - before;
    const user = `/console/users/${carol.user.id}`;
    const key = `${user}/keys/${carol.keyId}`;
    const posts: [string, Record<string, string>][] = [
      [`${key}/disable`, {}],
      [`${key}/enable`, {}],
      [`${key}/roll`, {}],
      [`${user}/memberships`, { orgId: api.orgId, role: 'ORG_OWNER' }],
      [`${user}/memberships/${api.orgId}/remove`, {}],
      [`${user}/global-owner/grant`, {}],
      [`${user}/global-owner/revoke`, {}],
      [`${user}/password`, { password: 'another console password' }],
      [`${user}/link`, {}],
      [`${user}/access-list`, { address: '192.0.2.9', comment: '' }],
      [`${user}/access-list/remove`, { cidrBlock: '192.0.2.9/32' }],
      [`${user}/delete`, {}],
    ];
    for (const [url, form] of posts) {
      const res = await root.post(url, { _csrf: root.csrf, ...form });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(303);
    }
    const events = (await auditAfter(api.service.store, before)).slice(skip);
    expect(events.map((e) => e.action)).toEqual([
      'key.disable',
      'key.enable',
      'key.roll',
      'membership.set',
      'membership.remove',
      'globalRole.grant',
      'globalRole.revoke',
      'password.set',
      // Carol has a password by then: the link is a reset.
      'passwordReset.create',
      'accessList.add',
      'accessList.delete',
      'user.delete',
    ]);
    for (const event of events) {
      expect(event.actor).toEqual({ kind: 'user', userId: api.root.user.id, username: 'root' });
      expect(event.origin.channel).toBe('console');
    }
    expect(events.every((e) => e.targets.userId === carol.user.id)).toBe(true);
  });

  const rowsOf = (body: string) => [...body.matchAll(/<tr data-event-id="/g)].length;

  it('shows a GLOBAL_OWNER every event on the Activity page, filtered and paged', async () => {
    const root = new ConsoleClient(api.app);
    await root.signIn('root', PASSWORD);
    const all = await root.get('/console/activity');
    expect(all.statusCode).toBe(200);
    expect(all.body).toContain('href="/console/activity" aria-current="page"');
    expect(all.body).toContain('<code>console.signInFailed</code>');
    expect(all.body).toContain('<code>user.create</code>');
    const failed = await root.get('/console/activity?action=console.signInFailed');
    expect(rowsOf(failed.body)).toBe(2);
    const aliceOnly = await root.get(
      `/console/activity?user=${encodeURIComponent(api.alice.username)}&action=console.signInFailed`,
    );
    expect(rowsOf(aliceOnly.body)).toBe(1);
    expect(rowsOf((await root.get('/console/activity?user=nobody-at-all')).body)).toBe(0);
    for (let i = 0; i < 50; i++) {
      await api.service.store.recordAudit({ action: 'console.signInFailed', targets: {} });
    }
    const first = await root.get('/console/activity?action=console.signInFailed');
    expect(rowsOf(first.body)).toBe(50);
    expect(first.body).toContain(
      'href="/console/activity?action=console.signInFailed&amp;pageNum=2"',
    );
    const second = await root.get('/console/activity?action=console.signInFailed&pageNum=2');
    expect(rowsOf(second.body)).toBe(2);
  });

  it('shows anyone else only the events by or about them, whatever the query asks', async () => {
    const bob = new ConsoleClient(api.app);
    await bob.signIn(api.bob.username, PASSWORD);
    const own = await bob.get('/console/activity?user=root');
    expect(own.statusCode).toBe(200);
    const { items } = await api.service.store.listAudit(
      { userId: api.bob.user.id },
      { offset: 0, limit: 100, includeCount: false },
    );
    expect(rowsOf(own.body)).toBe(items.length);
    expect(own.body).toContain('<code>console.signIn</code>');
    expect(own.body).not.toContain('<code>org.create</code>');
    expect(own.body).not.toContain('name="user"');
  });
});

// The console records its changes as the signed-in user, from the browser's address; sign-ins,
// sign-outs and failed sign-ins too, with never the name or password typed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/domain/audit.js';
import { hashPassword } from '../../src/domain/passwords.js';
import { TestApi } from '../support/api.js';
import { ConsoleClient } from '../support/console-client.js';

const PASSWORD = 'a console password';
const WRONG = 'not the password at all';

describe('the audit trail of the console', () => {
  let api: TestApi;
  let setUp: number;
  beforeAll(async () => {
    api = await TestApi.start();
    await api.service.store.setPasswordHash('root', await hashPassword(PASSWORD));
    setUp = (await api.service.store.listAudit({}, { offset: 0, limit: 1, includeCount: true }))
      .total as number;
  });
  afterAll(() => api.close());

  const newEvents = async (): Promise<AuditEvent[]> => {
    const page = { offset: 0, limit: 1000, includeCount: true };
    const { items, total } = await api.service.store.listAudit({}, page);
    return items.slice(0, (total as number) - setUp).reverse();
  };

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
});

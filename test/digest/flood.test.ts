import { describe, expect, it } from 'vitest';
import { firstUse, flood, floodAuthenticator } from '../../fuzz/nonce-flood.js';

// The 1,000,000 version is `npm run flood`; the same code, smaller, here.
describe('a flood of fresh nonces', () => {
  it('keeps the replay window at its bound, and an evicted nonce answers stale so clients recover', () => {
    const auth = floodAuthenticator(10_000);
    const [early] = auth.challenge(false);
    expect(firstUse(auth, early ?? '')).toMatchObject({ kind: 'authenticated' });

    const report = flood(auth, 50_000);
    expect(report.accepted).toBe(50_000);
    expect(report.trackedNonces).toBe(10_000);

    // The early nonce was evicted: its next use is stale (not a replay, not accepted) ...
    const header = firstUse(auth, early ?? '');
    expect(header).toMatchObject({ kind: 'rejected', stale: true });
    // ... and the client, taking the fresh challenge that comes with stale=true, gets in.
    const [fresh] = auth.challenge(true);
    expect(fresh).toContain('stale=true');
    expect(firstUse(auth, fresh ?? '')).toMatchObject({ kind: 'authenticated' });
  });
});

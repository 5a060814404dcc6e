import { describe, expect, it } from 'vitest';
import { SetupToken } from '../../src/console/setup-token.js';
import { randomToken } from '../../src/console/tokens.js';

describe('SetupToken', () => {
  const token = randomToken();

  it('lets one claim through at a time and refuses the rest as busy', () => {
    const setup = new SetupToken(token);
    const first = setup.claim(token);
    expect(first.ok).toBe(true);
    expect(setup.claim(token)).toEqual({ ok: false, error: 'busy' });
    // The form may still be shown: the claim may yet be released.
    expect(setup.check(token)).toBeUndefined();
  });

  it('works again after a released claim, never after a spent one', () => {
    const setup = new SetupToken(token);
    const refused = setup.claim(token);
    if (!refused.ok) throw new Error('first claim refused');
    refused.value.release();
    const created = setup.claim(token);
    if (!created.ok) throw new Error('claim after release refused');
    created.value.spend();
    expect(setup.claim(token)).toEqual({ ok: false, error: 'spent' });
    expect(setup.check(token)).toBe('spent');
  });

  it('settles a claim once: a release after spend (or the reverse) changes nothing', () => {
    const setup = new SetupToken(token);
    const claim = setup.claim(token);
    if (!claim.ok) throw new Error('claim refused');
    claim.value.spend();
    claim.value.release();
    expect(setup.check(token)).toBe('spent');

    const other = new SetupToken(token);
    const released = other.claim(token);
    if (!released.ok) throw new Error('claim refused');
    released.value.release();
    const held = other.claim(token);
    released.value.spend(); // the stale handle must not end the new holder's claim
    expect(held.ok).toBe(true);
    expect(other.check(token)).toBeUndefined();
  });

  it('tells a wrong token only that it is wrong, whatever the state', () => {
    const setup = new SetupToken(token);
    for (const sent of ['', 'guess', token.slice(1), `${token}x`]) {
      expect(setup.claim(sent)).toEqual({ ok: false, error: 'wrong' });
    }
    setup.claim(token);
    expect(setup.claim('guess')).toEqual({ ok: false, error: 'wrong' });
    setup.retire();
    expect(setup.check('guess')).toBe('wrong');
  });

  it('stays spent once retired, even if the claim held then is released', () => {
    const setup = new SetupToken(token);
    const claim = setup.claim(token);
    if (!claim.ok) throw new Error('claim refused');
    setup.retire();
    claim.value.release();
    expect(setup.claim(token)).toEqual({ ok: false, error: 'spent' });
  });
});

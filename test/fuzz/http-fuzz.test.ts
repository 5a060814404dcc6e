import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzz, fuzzTarget } from '../../fuzz/http-fuzz.js';
import { type Fixture, startWithUser } from '../e2e/fixture.js';

// A sample of `npm run fuzz` (which sends 100,000): the same mutations, a fixed seed.
describe('HTTP fuzzing sample', () => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await startWithUser();
  });
  afterAll(() => fixture.cleanup());

  it('answers 2,000 mutated requests without a 5xx, always in JSON, and stays up', async () => {
    const report = await fuzz(fixture.server.url, await fuzzTarget(fixture), {
      count: 2000,
      seed: 20261124,
      seconds: 60,
    });
    expect(report.problems).toEqual([]);
    expect(report.sent).toBe(2000);
    // The mix reaches the interesting answers, not just one kind of rejection.
    for (const status of ['400', '401', '404']) expect(report.byStatus[status]).toBeGreaterThan(0);
    expect((await fetch(`${fixture.server.url}/health`)).status).toBe(200);
  });
});

import { describe, expect, it } from 'vitest';
import { isStoreUnavailable } from '../../src/store/unavailable.js';

describe('isStoreUnavailable', () => {
  it('knows a database gone away or busy', () => {
    for (const error of [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('terminating connection'), { code: '57P01' }),
      Object.assign(new Error('connection failure'), { code: '08006' }),
      Object.assign(new Error('sorry, too many clients already'), { code: '53300' }),
      Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
    ])
      expect(isStoreUnavailable(error), error.message).toBe(true);
  });

  it('does not excuse a fault of keyward or of its data as unavailability', () => {
    for (const error of [
      Object.assign(new Error('duplicate key'), { code: '23505' }),
      Object.assign(new Error('syntax error'), { code: '42601' }),
      Object.assign(new Error('UNIQUE constraint failed'), { code: 'SQLITE_CONSTRAINT_UNIQUE' }),
      new TypeError("Cannot read properties of undefined (reading 'id')"),
      'Connection terminated',
      undefined,
    ])
      expect(isStoreUnavailable(error)).toBe(false);
  });
});

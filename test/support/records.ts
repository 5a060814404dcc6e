import type { UserRecord } from '../../src/domain/records.js';

/** A user record for tests that need one without a store: no roles unless given. */
export function userRecord(fields: Partial<UserRecord> = {}): UserRecord {
  return {
    id: 'b'.repeat(24),
    username: 'u',
    firstName: '',
    lastName: '',
    emailAddress: '',
    createdAt: '2026-01-01T00:00:00Z',
    orgRoles: [],
    globalRoles: [],
    ...fields,
  };
}

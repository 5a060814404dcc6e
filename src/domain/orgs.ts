import type { Store } from '../store/store.js';
import { newObjectId } from './ids.js';
import type { OrgRecord, Outcome } from './records.js';
import { toTimestamp } from './time.js';

export const MAX_ORG_NAME_LENGTH = 256;

/** Creates an organization; the CLI and the console both create them through here. */
export async function createOrg(
  store: Store,
  rawName: string,
): Promise<Outcome<OrgRecord, 'invalid-name' | 'name-taken'>> {
  const name = rawName.trim();
  if (name.length === 0 || name.length > MAX_ORG_NAME_LENGTH) {
    return { ok: false, error: 'invalid-name' };
  }
  return store.createOrg({ id: newObjectId(), name, createdAt: toTimestamp() });
}

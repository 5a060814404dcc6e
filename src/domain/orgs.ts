import type { Store } from '../store/store.js';
import { newObjectId } from './ids.js';
import type { OrgRecord, Outcome } from './records.js';
import { toTimestamp } from './time.js';

export const MAX_ORG_NAME_LENGTH = 256;

export type CreateOrgError = 'blank-name' | 'name-too-long' | 'name-taken';

/** Why a name was refused, for the console and the CLI alike (the CLI adds the flag). */
export const ORG_NAME_PROBLEMS: Record<Exclude<CreateOrgError, 'name-taken'>, string> = {
  'blank-name': 'the name must not be blank',
  'name-too-long': `the name must be at most ${MAX_ORG_NAME_LENGTH} characters`,
};

/** Creates an organization; the CLI and the console both create them through here. */
export async function createOrg(
  store: Store,
  rawName: string,
): Promise<Outcome<OrgRecord, CreateOrgError>> {
  const name = rawName.trim();
  if (name.length === 0) return { ok: false, error: 'blank-name' };
  if (name.length > MAX_ORG_NAME_LENGTH) return { ok: false, error: 'name-too-long' };
  return store.createOrg({ id: newObjectId(), name, createdAt: toTimestamp() });
}

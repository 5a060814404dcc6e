import type { Store } from '../store/store.js';
import { newObjectId } from './ids.js';
import type { ObjectId, OrgRecord, Outcome } from './records.js';
import { toTimestamp } from './time.js';

export const MAX_ORG_NAME_LENGTH = 256;

export type OrgNameProblem = 'blank-name' | 'name-too-long';
export type CreateOrgError = OrgNameProblem | 'name-taken';

/** Why a name was refused, for the console, the CLI and the API alike (each adds its field). */
export const ORG_NAME_PROBLEMS: Record<OrgNameProblem, string> = {
  'blank-name': 'the name must not be blank',
  'name-too-long': `the name must be at most ${MAX_ORG_NAME_LENGTH} characters`,
};

/** The name as it is stored (trimmed), or what is wrong with it. */
function checkedName(rawName: string): Outcome<string, OrgNameProblem> {
  const name = rawName.trim();
  if (name.length === 0) return { ok: false, error: 'blank-name' };
  if (name.length > MAX_ORG_NAME_LENGTH) return { ok: false, error: 'name-too-long' };
  return { ok: true, value: name };
}

/** Creates an organization; the CLI and the console both create them through here. */
export async function createOrg(
  store: Store,
  rawName: string,
): Promise<Outcome<OrgRecord, CreateOrgError>> {
  const name = checkedName(rawName);
  if (!name.ok) return name;
  return store.createOrg({ id: newObjectId(), name: name.value, createdAt: toTimestamp() });
}

/** Renames an organization under the rules a new one's name follows. */
export async function renameOrg(
  store: Store,
  id: ObjectId,
  rawName: string,
): Promise<Outcome<OrgRecord, CreateOrgError | 'org-not-found'>> {
  const name = checkedName(rawName);
  if (!name.ok) return name;
  return store.renameOrg(id, name.value);
}

/**
 * What keeps an organization from being deleted through the API (store.deleteEmptyOrg checks
 * in the transaction that deletes): members other than the caller, or programmatic API keys,
 * which would otherwise go with it unseen.
 */
export type OrgDeletionBlocker = 'has-members' | 'has-api-keys';

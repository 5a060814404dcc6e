import { mayActOnOthers } from '../../domain/access.js';
import type { ObjectId, UserRecord } from '../../domain/records.js';
import type { Store } from '../../store/store.js';
import { unauthorized } from '../errors.js';

type Principal = UserRecord | undefined;

/**
 * The user a request acts on, or the 401. The one place that orders the decision and the
 * lookup: the principal itself needs no lookup; anyone else is looked up only once the
 * principal may act on others, so whether the target exists never changes the work done
 * (nor the answer) for those who may not. Someone else and nobody answer alike.
 */
async function resolveTarget(
  principal: Principal,
  isPrincipal: (principal: UserRecord) => boolean,
  lookup: () => Promise<UserRecord | undefined>,
): Promise<UserRecord> {
  if (!principal) throw unauthorized();
  if (isPrincipal(principal)) return principal;
  if (!mayActOnOthers(principal)) throw unauthorized();
  const user = await lookup();
  if (!user) throw unauthorized();
  return user;
}

/** The user a `/users/{USER-ID}/…` path names. */
export const targetUser = (store: Store, principal: Principal, id: ObjectId) =>
  resolveTarget(
    principal,
    (self) => self.id === id,
    () => store.getUserById(id),
  );

/** The user a `/users/byName/{USER-NAME}` path names. */
export const targetUserByName = (store: Store, principal: Principal, name: string) =>
  resolveTarget(
    principal,
    (self) => self.username === name,
    () => store.getUserByUsername(name),
  );

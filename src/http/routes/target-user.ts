import { mayActOnOthers } from '../../domain/access.js';
import type { Principal } from '../../domain/principal.js';
import type { ObjectId, UserRecord } from '../../domain/records.js';
import type { Store } from '../../store/store.js';
import { unauthorized } from '../errors.js';

/**
 * The user a request acts on, or the 401. The one place that orders the decision and the
 * lookup: the principal itself needs no lookup; anyone else is looked up only once the
 * principal may act on others, so whether the target exists never changes the work done
 * (nor the answer) for those who may not. Someone else and nobody answer alike.
 */
async function resolveTarget(
  principal: Principal | undefined,
  isPrincipal: (principal: UserRecord) => boolean,
  lookup: () => Promise<UserRecord | undefined>,
): Promise<UserRecord> {
  // A programmatic key is no user and acts on none: /users/… is not its resource.
  if (principal?.kind !== 'user') throw unauthorized();
  const self = principal.user;
  if (isPrincipal(self)) return self;
  if (!mayActOnOthers(self)) throw unauthorized();
  const user = await lookup();
  if (!user) throw unauthorized();
  return user;
}

/** The user a `/users/{USER-ID}/…` path names. */
export const targetUser = (store: Store, principal: Principal | undefined, id: ObjectId) =>
  resolveTarget(
    principal,
    (self) => self.id === id,
    () => store.getUserById(id),
  );

/** The user a `/users/byName/{USER-NAME}` path names. */
export const targetUserByName = (store: Store, principal: Principal | undefined, name: string) =>
  resolveTarget(
    principal,
    (self) => self.username === name,
    () => store.getUserByUsername(name),
  );

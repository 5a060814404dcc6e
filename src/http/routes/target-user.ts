import { mayActOnUser } from '../../domain/access.js';
import type { ObjectId, UserRecord } from '../../domain/records.js';
import type { Store } from '../../store/store.js';
import { unauthorized } from '../errors.js';

/**
 * The user a request acts on, or the 401. Someone else's id and an id that does not
 * exist answer alike, so the API never reveals who exists.
 */
export async function targetUser(
  store: Store,
  principal: UserRecord | undefined,
  userId: ObjectId,
): Promise<UserRecord> {
  if (!principal || !mayActOnUser(principal, userId)) throw unauthorized();
  if (principal.id === userId) return principal;
  const user = await store.getUserById(userId);
  if (!user) throw unauthorized();
  return user;
}

import type { ObjectId, UserRecord } from './records.js';

// Who may act on what. Every "no" becomes the same 401 at the edge, whether or not the
// target exists, so these rules never need to know if it does.

export function isGlobalOwner(actor: UserRecord): boolean {
  return actor.globalRoles.includes('GLOBAL_OWNER');
}

/** Users act on themselves; a GLOBAL_OWNER acts on anyone (as Ops Manager allows). */
export function mayActOnUser(actor: UserRecord, userId: ObjectId): boolean {
  return actor.id === userId || isGlobalOwner(actor);
}

/** Members of an org, with any role, may list its users. */
export function mayListOrgUsers(actor: UserRecord, orgId: ObjectId): boolean {
  return isGlobalOwner(actor) || actor.orgRoles.some((role) => role.orgId === orgId);
}

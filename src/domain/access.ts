import type { ObjectId, UserRecord } from './records.js';

// Who may act on what. Every "no" becomes the same 401 at the edge, whether or not the
// target exists, so these rules never need to know if it does, and must be asked before
// anything looks the target up: a lookup that runs only for some answers shows in the timing.

export function isGlobalOwner(actor: UserRecord): boolean {
  return actor.globalRoles.includes('GLOBAL_OWNER');
}

/**
 * Whether the actor may act on users other than itself: only a GLOBAL_OWNER (as Ops Manager
 * allows). Decided from the actor alone, so a route can refuse before naming a target.
 */
export function mayActOnOthers(actor: UserRecord): boolean {
  return isGlobalOwner(actor);
}

/** Members of an org, with any role, may list its users. */
export function mayListOrgUsers(actor: UserRecord, orgId: ObjectId): boolean {
  return isGlobalOwner(actor) || actor.orgRoles.some((role) => role.orgId === orgId);
}

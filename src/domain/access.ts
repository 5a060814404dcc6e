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

/**
 * The console's one rule for administration: every page about users, orgs and roles other
 * than one's own is a GLOBAL_OWNER's, as `mayActOnOthers` is in the API.
 */
export const mayAdminister = mayActOnOthers;

/** Whose keys the actor may manage: their own, or anyone's for a GLOBAL_OWNER. */
export function mayManageKeysOf(actor: UserRecord, ownerId: ObjectId): boolean {
  return actor.id === ownerId || mayActOnOthers(actor);
}

/** An ORG_OWNER manages the members of their own orgs (in the console); a GLOBAL_OWNER, all. */
export function mayManageOrgMembers(actor: UserRecord, orgId: ObjectId): boolean {
  return (
    isGlobalOwner(actor) ||
    actor.orgRoles.some((role) => role.orgId === orgId && role.roleName === 'ORG_OWNER')
  );
}

/** The orgs whose members the actor manages without being a GLOBAL_OWNER. */
export function ownedOrgIds(actor: UserRecord): ObjectId[] {
  return actor.orgRoles.filter((role) => role.roleName === 'ORG_OWNER').map((role) => role.orgId);
}

/** Members of an org, with any role, may read its document (as its users list). */
export const mayReadOrg = mayListOrgUsers;

/** Who renames or deletes an org: its ORG_OWNERs, and GLOBAL_OWNERs. */
export const mayAdministerOrg = mayManageOrgMembers;

/** Which orgs `GET /orgs` lists for the actor: all for a GLOBAL_OWNER, else those it is in. */
export function visibleOrgs(actor: UserRecord): 'all' | ObjectId[] {
  return isGlobalOwner(actor) ? 'all' : actor.orgRoles.map((role) => role.orgId);
}

/**
 * Whether the actor may create a user with roles in these orgs: a GLOBAL_OWNER in any, an
 * ORG_OWNER only in orgs it owns, and at least one (a user in none of its orgs would be lost
 * to it at once).
 */
export function mayCreateUserIn(actor: UserRecord, orgIds: readonly ObjectId[]): boolean {
  if (isGlobalOwner(actor)) return true;
  return orgIds.length > 0 && orgIds.every((orgId) => mayManageOrgMembers(actor, orgId));
}

/** The user id the actor is, for rules like "members other than the caller". */
export function actingUserId(actor: UserRecord): ObjectId | undefined {
  return actor.id;
}

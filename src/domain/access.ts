import { type Principal, type RoleHolder, rolesOf } from './principal.js';
import type { ObjectId, UserRecord } from './records.js';

// Who may act on what. Every "no" becomes the same 401 at the edge, whether or not the
// target exists, so these rules never need to know if it does, and must be asked before
// anything looks the target up: a lookup that runs only for some answers shows in the timing.

export function isGlobalOwner(actor: RoleHolder): boolean {
  return actor.globalRoles.includes('GLOBAL_OWNER');
}

/**
 * Whether the actor may act on users other than itself: only a GLOBAL_OWNER (as Ops Manager
 * allows). Decided from the actor alone, so a route can refuse before naming a target.
 */
export function mayActOnOthers(actor: RoleHolder): boolean {
  return isGlobalOwner(actor);
}

/** Members of an org, with any role, may list its users. */
export function mayListOrgUsers(actor: RoleHolder, orgId: ObjectId): boolean {
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
export function mayManageOrgMembers(actor: RoleHolder, orgId: ObjectId): boolean {
  return (
    isGlobalOwner(actor) ||
    actor.orgRoles.some((role) => role.orgId === orgId && role.roleName === 'ORG_OWNER')
  );
}

/** The orgs whose members the actor manages without being a GLOBAL_OWNER. */
export function ownedOrgIds(actor: RoleHolder): ObjectId[] {
  return actor.orgRoles.filter((role) => role.roleName === 'ORG_OWNER').map((role) => role.orgId);
}

/**
 * A request's principal reads an org's users as a member of it: a user with any role in the
 * org, a programmatic key of that org (whatever its roles), or a GLOBAL_OWNER.
 */
export function principalMayListOrgUsers(principal: Principal, orgId: ObjectId): boolean {
  return mayListOrgUsers(rolesOf(principal), orgId);
}

/**
 * An org's programmatic keys are managed by its ORG_OWNERs, users or keys alike (a key with
 * ORG_OWNER may manage its siblings and itself, as in Atlas), and by GLOBAL_OWNERs.
 */
export function mayManageOrgApiKeys(principal: Principal, orgId: ObjectId): boolean {
  return mayManageOrgMembers(rolesOf(principal), orgId);
}

/** Members of an org (users or its programmatic keys) may read its document, as its users. */
export const mayReadOrg = principalMayListOrgUsers;

/** Who renames or deletes an org: its ORG_OWNERs (users or keys), and GLOBAL_OWNERs. */
export const mayAdministerOrg = mayManageOrgApiKeys;

/** Which orgs `GET /orgs` lists for the principal: all for a GLOBAL_OWNER, else those it is in. */
export function visibleOrgs(principal: Principal): 'all' | ObjectId[] {
  const roles = rolesOf(principal);
  return isGlobalOwner(roles) ? 'all' : roles.orgRoles.map((role) => role.orgId);
}

/**
 * Whether the principal may create a user with roles in these orgs: a GLOBAL_OWNER in any, an
 * ORG_OWNER only in orgs it owns, and at least one (a user in none of its orgs would be lost
 * to it at once).
 */
export function mayCreateUserIn(principal: Principal, orgIds: readonly ObjectId[]): boolean {
  const roles = rolesOf(principal);
  if (isGlobalOwner(roles)) return true;
  return orgIds.length > 0 && orgIds.every((orgId) => mayManageOrgMembers(roles, orgId));
}

/** The user the principal is, for rules like "members other than the caller"; a key is none. */
export function actingUserId(principal: Principal): ObjectId | undefined {
  return principal.kind === 'user' ? principal.user.id : undefined;
}

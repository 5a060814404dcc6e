// Authorization per location: the proxy's auth URL says who may pass, e.g.
// `/auth/digest?org=<ORG-ID>` or `?orgRole=<ORG-ID>:ORG_OWNER&orgRole=<ORG-ID>:ORG_MEMBER`.
// Each parameter given must be satisfied (AND); its repeated values are alternatives (OR).
// Nothing is implied: a GLOBAL_OWNER passes `org=` only as a member of that org, so a
// location's rule reads the same whoever asks.

import { type Principal, rolesOf } from '../domain/principal.js';
import { isOrgRole } from '../domain/records.js';

export interface Requirements {
  /** A member of one of these orgs, in any role. */
  readonly orgs: readonly string[];
  /** One of these roles in its org. */
  readonly orgRoles: readonly { readonly orgId: string; readonly roleName: string }[];
  /** One of these global roles. */
  readonly globalRoles: readonly string[];
  /** One of these usernames (exactly). */
  readonly usernames: readonly string[];
}

/** The query as Fastify parses it: repeated parameters become arrays. */
export interface RequirementQuery {
  readonly org?: string | readonly string[];
  readonly orgRole?: string | readonly string[];
  readonly globalRole?: string | readonly string[];
  readonly username?: string | readonly string[];
}

const list = (value: string | readonly string[] | undefined): readonly string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : value;

export function requirementsOf(query: RequirementQuery): Requirements {
  return {
    orgs: list(query.org),
    orgRoles: list(query.orgRole).map((pair) => {
      const at = pair.indexOf(':');
      return { orgId: pair.slice(0, at), roleName: pair.slice(at + 1) };
    }),
    globalRoles: list(query.globalRole),
    usernames: list(query.username),
  };
}

/** `<ORG-ID>:<ROLE>`, as the orgRole parameter is validated. */
export const ORG_ROLE_PATTERN = '^[0-9a-f]{24}:[A-Z_]+$';

/** An orgRole naming a role keyward does not know: a typo would otherwise deny everyone. */
export function unknownRole(requirements: Requirements): string | undefined {
  return requirements.orgRoles.find((pair) => !isOrgRole(pair.roleName))?.roleName;
}

/**
 * Why `principal` may not pass, or undefined when every requirement holds. A programmatic
 * key passes on its roles in its org; it has no username, so it never passes `username=`.
 */
export function denial(principal: Principal, requirements: Requirements): string | undefined {
  const { orgs, orgRoles, globalRoles, usernames } = requirements;
  if (
    usernames.length > 0 &&
    (principal.kind !== 'user' || !usernames.includes(principal.user.username))
  ) {
    return 'username not allowed here';
  }
  const user = rolesOf(principal);
  if (orgs.length > 0 && !user.orgRoles.some((m) => orgs.includes(m.orgId))) {
    return `not a member of org ${orgs.join(' or ')}`;
  }
  const holds = (want: Requirements['orgRoles'][number]) =>
    user.orgRoles.some((m) => m.orgId === want.orgId && m.roleName === want.roleName);
  if (orgRoles.length > 0 && !orgRoles.some(holds)) {
    return `lacks role ${orgRoles.map((r) => `${r.roleName} in org ${r.orgId}`).join(' or ')}`;
  }
  const roles: readonly string[] = user.globalRoles;
  if (globalRoles.length > 0 && !globalRoles.some((role) => roles.includes(role))) {
    return `lacks global role ${globalRoles.join(' or ')}`;
  }
  return undefined;
}

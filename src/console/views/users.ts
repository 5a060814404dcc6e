import { MIN_PASSWORD_LENGTH } from '../../domain/passwords.js';
import { ORG_ROLES, type OrgRecord, type UserRecord } from '../../domain/records.js';
import type { UserActivity } from '../../store/store.js';
import { type Html, html } from '../html.js';
import { count, when } from './format.js';
import {
  checkbox,
  csrf,
  type FormState,
  field,
  type Problems,
  select,
  type Values,
} from './forms.js';
import { type Frame, notice, page } from './layout.js';
import { type PagerState, pagedList } from './pager.js';

export function roleNames(user: UserRecord): string {
  return [...user.globalRoles, ...user.orgRoles.map((m) => m.roleName)].join(', ');
}

/** The orgs a form may offer, and how many exist in all. */
export interface OrgOptions {
  readonly orgs: readonly OrgRecord[];
  readonly orgsTotal: number;
}

/**
 * An org chooser: a select while every org fits in it; past that, the org is named by its id
 * (or the user is added from the org's own page, by username).
 */
export function orgField(
  options: OrgOptions,
  values: Values | undefined,
  problems: Problems | undefined,
  none?: string,
): Html {
  return options.orgsTotal > options.orgs.length
    ? field(
        {
          name: 'orgId',
          label: 'Organization ID',
          required: none === undefined,
          hint: 'from the organization’s page',
        },
        values,
        problems,
      )
    : select(
        { name: 'orgId', label: 'Organization', choices: orgChoices(options.orgs, none) },
        values,
        problems,
      );
}

function orgChoices(orgs: readonly OrgRecord[], none?: string) {
  return [
    ...(none === undefined ? [] : [{ value: '', label: none }]),
    ...orgs.map((org) => ({ value: org.id, label: org.name })),
  ];
}

export const roleChoices = ORG_ROLES.map((role) => ({ value: role, label: role }));

export interface UsersView extends FormState, OrgOptions {
  readonly users: readonly UserRecord[];
  readonly activity: ReadonlyMap<string, UserActivity>;
  /** Names of the orgs this page's users are members of. */
  readonly orgNames: ReadonlyMap<string, string>;
  readonly search: string;
  readonly pager: PagerState;
}

function createForm(token: string, view: UsersView): Html {
  const values = { role: '', ...view.values };
  const problems = view.problems ?? {};
  return html`<section class="panel" id="new-user" tabindex="-1" aria-labelledby="create-user">
  <h2 id="create-user">Create a user</h2>
  ${notice(problems.form ? { kind: 'error', text: problems.form } : undefined)}
  <form class="stack" method="post" action="/console/users">${csrf(token)}
    <div class="grid-form">
      ${field({ name: 'username', label: 'Username', required: true, maxLength: 256, hint: 'also the Digest username' }, values, problems)}
      ${field({ name: 'firstName', label: 'First name' }, values, problems)}
      ${field({ name: 'lastName', label: 'Last name' }, values, problems)}
      ${field({ name: 'emailAddress', label: 'Email', type: 'email' }, values, problems)}
      ${orgField(view, values, problems, 'None')}
      ${select({ name: 'role', label: 'Role in the organization', choices: [{ value: '', label: 'ORG_MEMBER if an organization is chosen' }, ...roleChoices] }, values, problems)}
    </div>
    ${checkbox('globalOwner', html`GLOBAL_OWNER: may manage every user, here and through the API`, values)}
    ${field({ name: 'password', label: 'Console password', type: 'password', autocomplete: 'new-password', hint: `optional (at least ${MIN_PASSWORD_LENGTH} characters); leave it empty to get an invitation link for the user instead` }, {}, problems)}
    <div><button type="submit">Create user</button></div>
  </form>
</section>`;
}

/** Each role, an org role with its org's name: "GLOBAL_OWNER", "ORG_OWNER in Acme". */
function rolesWithOrgs(user: UserRecord, orgNames: ReadonlyMap<string, string>): Html {
  const roles = [
    ...user.globalRoles.map((role) => html`<li>${role}</li>`),
    ...user.orgRoles.map(
      (m) =>
        html`<li>${m.roleName} in <a href="/console/orgs/${m.orgId}">${orgNames.get(m.orgId) ?? m.orgId}</a></li>`,
    ),
  ];
  return roles.length > 0
    ? html`<ul class="plain">${roles}</ul>`
    : html`<span class="muted">none</span>`;
}

function usersTable(view: UsersView): Html {
  const rows = view.users.map((u) => {
    const activity = view.activity.get(u.id);
    return html`<tr><td class="title"><a href="/console/users/${u.id}">${u.username}</a></td>
      <td data-label="Name">${[u.firstName, u.lastName].filter(Boolean).join(' ')}</td>
      <td data-label="Email" class="email">${u.emailAddress}</td>
      <td data-label="Roles">${rolesWithOrgs(u, view.orgNames)}</td>
      <td class="num" data-label="Keys">${count(activity?.keyCount ?? 0)}</td>
      <td data-label="Last active">${when(activity?.lastActivity)}</td></tr>`;
  });
  return html`<div class="table-scroll"><table id="users" class="cards">
  <thead><tr><th scope="col">Username</th><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Roles</th><th scope="col" class="num">Keys</th><th scope="col">Last active</th></tr></thead>
  <tbody>${rows}</tbody></table></div>`;
}

export function usersPage(frame: Frame & { csrfToken: string }, view: UsersView): Html {
  const found = view.search
    ? html`${count(view.pager.total)} matching “${view.search}” · <a href="/console/users">show all</a>`
    : html`${count(view.pager.total)} in all`;
  return page(
    { ...frame, section: 'users' },
    'Users',
    html`<div class="title-row"><h1>Users</h1><a class="button" href="#new-user">New user</a></div>
<form class="grid-form panel" method="get" action="/console/users" role="search">
  ${field({ name: 'q', label: 'Search', type: 'search', hint: 'username, full name or email' }, { q: view.search })}
  <div><button class="secondary" type="submit">Search</button></div>
</form>
<p class="muted">${found}</p>
${pagedList(
  view.pager,
  view.users.length,
  () => usersTable(view),
  html`<p class="muted">No users${view.search ? ' match' : ' yet'}.</p>`,
)}
${createForm(frame.csrfToken, view)}`,
  );
}

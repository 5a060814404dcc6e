import { MIN_PASSWORD_LENGTH } from '../../domain/passwords.js';
import { ORG_ROLES, type OrgRecord, type UserRecord } from '../../domain/records.js';
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
import { type PagerState, pager } from './pager.js';

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
  readonly search: string;
  readonly pager: PagerState;
}

function createForm(token: string, view: UsersView): Html {
  const values = { role: 'ORG_MEMBER', ...view.values };
  const problems = view.problems ?? {};
  return html`<section class="panel" aria-labelledby="create-user">
  <h2 id="create-user">Create a user</h2>
  ${notice(problems.form ? { kind: 'error', text: problems.form } : undefined)}
  <form class="stack" method="post" action="/console/users">${csrf(token)}
    <div class="grid-form">
      ${field({ name: 'username', label: 'Username', required: true, maxLength: 256, hint: 'also the Digest username' }, values, problems)}
      ${field({ name: 'firstName', label: 'First name' }, values, problems)}
      ${field({ name: 'lastName', label: 'Last name' }, values, problems)}
      ${field({ name: 'emailAddress', label: 'Email', type: 'email' }, values, problems)}
      ${orgField(view, values, problems, 'None')}
      ${select({ name: 'role', label: 'Role in the organization', choices: roleChoices }, values, problems)}
    </div>
    ${checkbox('globalOwner', html`GLOBAL_OWNER: may manage every user, here and through the API`, values)}
    ${field({ name: 'password', label: 'Console password', type: 'password', autocomplete: 'new-password', hint: `optional (at least ${MIN_PASSWORD_LENGTH} characters); leave it empty to get an invitation link for the user instead` }, {}, problems)}
    <div><button type="submit">Create user</button></div>
  </form>
</section>`;
}

export function usersPage(frame: Frame & { csrfToken: string }, view: UsersView): Html {
  const rows = view.users.map(
    (u) => html`<tr><td><a href="/console/users/${u.id}">${u.username}</a></td>
      <td>${[u.firstName, u.lastName].filter(Boolean).join(' ')}</td><td>${u.emailAddress}</td>
      <td>${roleNames(u)}</td><td>${when(u.createdAt)}</td></tr>`,
  );
  const found = view.search
    ? html`${count(view.pager.total)} matching “${view.search}” · <a href="/console/users">show all</a>`
    : html`${count(view.pager.total)} in all`;
  return page(
    { ...frame, section: 'users' },
    'Users',
    html`<h1>Users</h1>
<form class="grid-form panel" method="get" action="/console/users" role="search">
  ${field({ name: 'q', label: 'Search', type: 'search', hint: 'username, name or email' }, { q: view.search })}
  <div><button class="secondary" type="submit">Search</button></div>
</form>
<p class="muted">${found}</p>
${
  view.users.length === 0
    ? html`<p class="muted">No users${view.search ? ' match' : ' yet'}.</p>`
    : html`<div class="table-scroll"><table id="users">
  <thead><tr><th scope="col">Username</th><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Roles</th><th scope="col">Created</th></tr></thead>
  <tbody>${rows}</tbody></table></div>`
}
${pager(view.pager)}
${createForm(frame.csrfToken, view)}`,
  );
}

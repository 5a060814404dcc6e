import { obfuscateKey } from '../../domain/keys.js';
import { MAX_ORG_NAME_LENGTH } from '../../domain/orgs.js';
import type { OrgRecord, UserRecord } from '../../domain/records.js';
import type { BusyKey } from '../../store/store.js';
import { type Html, html } from '../html.js';
import { CHART_DAYS } from '../usage-chart.js';
import { confirmPage } from './confirm.js';
import { count, when } from './format.js';
import { actionButton, csrf, type FormState, field, select } from './forms.js';
import { type Frame, notice, page } from './layout.js';
import { type PagerState, pagedList } from './pager.js';
import { roleChoices } from './users.js';

export interface OrgsView extends FormState {
  readonly orgs: readonly OrgRecord[];
  readonly pager: PagerState;
}

export function orgsPage(frame: Frame & { csrfToken: string }, view: OrgsView): Html {
  const problems = view.problems ?? {};
  const rows = view.orgs.map(
    (org) => html`<tr><td class="title"><a href="/console/orgs/${org.id}">${org.name}</a></td>
      <td data-label="ID"><code>${org.id}</code></td><td data-label="Created">${when(org.createdAt)}</td></tr>`,
  );
  return page(
    { ...frame, section: 'orgs' },
    'Organizations',
    html`<h1>Organizations</h1>
${notice(problems.form ? { kind: 'error', text: problems.form } : undefined)}
<section class="panel" aria-labelledby="create-org">
  <h2 id="create-org">Create an organization</h2>
  <form class="grid-form" method="post" action="/console/orgs">${csrf(frame.csrfToken)}
    ${field({ name: 'name', label: 'Name', required: true, maxLength: MAX_ORG_NAME_LENGTH }, view.values, problems)}
    <div><button type="submit">Create organization</button></div>
  </form>
</section>
${pagedList(
  view.pager,
  view.orgs.length,
  () => html`<div class="table-scroll"><table id="orgs" class="cards">
  <caption class="skip">Organizations</caption>
  <thead><tr><th scope="col">Name</th><th scope="col">ID</th><th scope="col">Created</th></tr></thead>
  <tbody>${rows}</tbody></table></div>`,
  html`<p class="muted">No organizations yet.</p>`,
)}`,
  );
}

export interface OrgView extends FormState {
  readonly org: OrgRecord;
  readonly members: readonly UserRecord[];
  /** Members in all, and those the search matches (the pager's total). */
  readonly membersTotal: number;
  readonly search: string;
  readonly pager: PagerState;
  readonly busiest: readonly BusyKey[];
}

type SignedInFrame = Frame & { csrfToken: string };

function roleIn(user: UserRecord, orgId: string): string {
  return user.orgRoles.find((m) => m.orgId === orgId)?.roleName ?? '';
}

function addMemberForm(frame: SignedInFrame, view: OrgView): Html {
  return html`<form class="grid-form panel" id="add-member" method="post" action="/console/orgs/${view.org.id}/members">${csrf(frame.csrfToken)}
  ${field({ name: 'username', label: 'Username', required: true, hint: 'of an existing user' }, view.values, view.problems)}
  ${select({ name: 'role', label: 'Role', choices: roleChoices }, { role: 'ORG_MEMBER', ...view.values }, view.problems)}
  <div><button type="submit">Add or change role</button></div>
</form>`;
}

function membersTable(frame: SignedInFrame, view: OrgView): Html {
  const { org } = view;
  const rows = view.members.map(
    (u) => html`<tr><td class="title"><a href="/console/users/${u.id}">${u.username}</a></td>
      <td data-label="Role">${roleIn(u, org.id)}</td>
      <td data-label="Name">${[u.firstName, u.lastName].filter(Boolean).join(' ')}</td>
      <td class="actions">${actionButton(`/console/orgs/${org.id}/members/${u.id}/remove`, frame.csrfToken, html`Remove<span class="skip"> ${u.username} from ${org.name}</span>`)}</td></tr>`,
  );
  return html`<div class="table-scroll"><table id="members" class="cards">
  <thead><tr><th scope="col">Username</th><th scope="col">Role</th><th scope="col">Name</th><th scope="col"><span class="skip">Actions</span></th></tr></thead>
  <tbody>${rows}</tbody></table></div>`;
}

function busiestTable(view: OrgView): Html {
  const rows = view.busiest.map(
    (b) => html`<tr><td class="description">${b.key.description}</td>
      <td data-label="Key"><code class="key">${obfuscateKey(b.key.suffix)}</code></td>
      <td data-label="User"><a href="/console/users/${b.key.userId}">${b.username}</a></td>
      <td data-label="State">${b.key.enabled ? html`<span class="badge on">enabled</span>` : html`<span class="badge off">disabled</span>`}</td>
      <td class="num" data-label="Requests">${count(b.requests)}</td></tr>`,
  );
  return rows.length === 0
    ? html`<p class="muted">No member's key has been used in the last ${CHART_DAYS} days.</p>`
    : html`<div class="table-scroll"><table id="busiest-keys" class="cards">
  <thead><tr><th scope="col">Description</th><th scope="col">Key</th><th scope="col">User</th><th scope="col">State</th><th scope="col" class="num">Requests</th></tr></thead>
  <tbody>${rows}</tbody></table></div>`;
}

export function orgPage(frame: SignedInFrame, view: OrgView): Html {
  const { org } = view;
  const here = `/console/orgs/${org.id}`;
  const found = view.search
    ? html`${count(view.pager.total)} of ${count(view.membersTotal)} matching “${view.search}” · <a href="${here}">show all</a>`
    : html`${count(view.membersTotal)} in all`;
  return page(
    { ...frame, section: 'orgs' },
    org.name,
    html`<p><a href="/console/orgs">← Organizations</a></p>
<h1>${org.name}</h1>
<dl class="facts panel"><dt>ID</dt><dd><code>${org.id}</code></dd><dt>Created</dt><dd>${when(org.createdAt)}</dd>
<dt>Members</dt><dd>${count(view.membersTotal)}</dd></dl>
<p><a class="button" href="${here}/api-keys">API keys of ${org.name}</a></p>
<section aria-labelledby="members-title"><div class="title-row"><h2 id="members-title">Members</h2>
<a class="button" href="${here}/users/new">New user in ${org.name}</a></div>
${addMemberForm(frame, view)}
${
  view.membersTotal > 0
    ? html`<form class="grid-form panel" method="get" action="${here}" role="search" aria-label="Members">
  ${field({ name: 'q', label: 'Search members', type: 'search', hint: 'username, full name or email' }, { q: view.search })}
  <div><button class="secondary" type="submit">Search</button></div>
</form>
<p class="muted">${found}</p>`
    : ''
}
${pagedList(
  view.pager,
  view.members.length,
  () => membersTable(frame, view),
  html`<p class="muted">${view.search ? 'No member matches.' : 'No members yet.'}</p>`,
)}</section>
<h2>Busiest keys, last ${CHART_DAYS} days</h2>
${busiestTable(view)}
<section class="danger-zone" aria-labelledby="danger-title"><h2 id="danger-title">Danger zone</h2>
<div class="panel"><p>Deletes ${org.name}; its members keep their accounts and keys, without this organization.</p>
  <a class="button danger" href="${here}/delete">Delete organization…</a></div></section>`,
  );
}

/** A user created straight into this org, with their role in it. */
export function newOrgUserPage(frame: SignedInFrame, org: OrgRecord, form: FormState = {}): Html {
  const values = { role: 'ORG_MEMBER', ...form.values };
  const problems = form.problems ?? {};
  return page(
    { ...frame, section: 'orgs' },
    `New user in ${org.name}`,
    html`<p><a href="/console/orgs/${org.id}">← ${org.name}</a></p>
<h1>New user in ${org.name}</h1>
${notice(problems.form ? { kind: 'error', text: problems.form } : undefined)}
<form class="grid-form panel" method="post" action="/console/orgs/${org.id}/users">${csrf(frame.csrfToken)}
  ${field({ name: 'username', label: 'Username', required: true, maxLength: 256, hint: 'also the Digest username' }, values, problems)}
  ${field({ name: 'firstName', label: 'First name' }, values, problems)}
  ${field({ name: 'lastName', label: 'Last name' }, values, problems)}
  ${field({ name: 'emailAddress', label: 'Email', type: 'email' }, values, problems)}
  ${select({ name: 'role', label: `Role in ${org.name}`, choices: roleChoices }, values, problems)}
  <div><button type="submit">Create user</button></div>
</form>`,
  );
}

export function confirmDeleteOrgPage(
  frame: Frame & { csrfToken: string },
  org: OrgRecord,
  members: number,
): Html {
  return confirmPage(frame, {
    section: 'orgs',
    title: 'Delete organization',
    question: 'Delete this organization?',
    facts: html`<dt>Name</dt><dd>${org.name}</dd><dt>ID</dt><dd><code>${org.id}</code></dd><dt>Members</dt><dd>${count(members)}</dd>`,
    consequence:
      'Its members lose their role in it, at once, and keep their accounts and keys; its programmatic API keys are deleted with it. This cannot be undone.',
    action: `/console/orgs/${org.id}/delete`,
    button: 'Delete organization',
    cancel: `/console/orgs/${org.id}`,
  });
}

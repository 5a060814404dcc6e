import { obfuscateKey } from '../../domain/keys.js';
import { MAX_ORG_NAME_LENGTH } from '../../domain/orgs.js';
import type { OrgRecord, UserRecord } from '../../domain/records.js';
import type { BusyKey } from '../../store/store.js';
import { type Html, html } from '../html.js';
import { CHART_DAYS } from '../usage-chart.js';
import { confirmPage } from './confirm.js';
import { count, when } from './format.js';
import { csrf, type FormState, field, select } from './forms.js';
import { type Frame, notice, page } from './layout.js';
import { type PagerState, pager } from './pager.js';
import { roleChoices } from './users.js';

export interface OrgsView extends FormState {
  readonly orgs: readonly OrgRecord[];
  readonly pager: PagerState;
}

export function orgsPage(frame: Frame & { csrfToken: string }, view: OrgsView): Html {
  const problems = view.problems ?? {};
  const rows = view.orgs.map(
    (org) => html`<tr><td><a href="/console/orgs/${org.id}">${org.name}</a></td>
      <td><code>${org.id}</code></td><td>${when(org.createdAt)}</td></tr>`,
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
${
  view.orgs.length === 0
    ? html`<p class="muted">No organizations yet.</p>`
    : html`<div class="table-scroll"><table>
  <caption class="skip">Organizations</caption>
  <thead><tr><th scope="col">Name</th><th scope="col">ID</th><th scope="col">Created</th></tr></thead>
  <tbody>${rows}</tbody></table></div>`
}
${pager(view.pager)}`,
  );
}

export interface OrgView extends FormState {
  readonly org: OrgRecord;
  readonly members: readonly UserRecord[];
  readonly membersTotal: number;
  readonly busiest: readonly BusyKey[];
}

function roleIn(user: UserRecord, orgId: string): string {
  return user.orgRoles.find((m) => m.orgId === orgId)?.roleName ?? '';
}

function addMemberForm(frame: Frame & { csrfToken: string }, view: OrgView): Html {
  return html`<form class="grid-form panel" id="add-member" method="post" action="/console/orgs/${view.org.id}/members">${csrf(frame.csrfToken)}
  ${field({ name: 'username', label: 'Username', required: true, hint: 'of an existing user' }, view.values, view.problems)}
  ${select({ name: 'role', label: 'Role', choices: roleChoices }, { role: 'ORG_MEMBER', ...view.values }, view.problems)}
  <div><button type="submit">Add or change role</button></div>
</form>`;
}

export function orgPage(frame: Frame & { csrfToken: string }, view: OrgView): Html {
  const { org } = view;
  const members = view.members.map(
    (u) => html`<tr><td><a href="/console/users/${u.id}">${u.username}</a></td>
      <td>${roleIn(u, org.id)}</td><td>${[u.firstName, u.lastName].filter(Boolean).join(' ')}</td></tr>`,
  );
  const busiest = view.busiest.map(
    (b) => html`<tr><td class="description">${b.key.description}</td>
      <td><code class="key">${obfuscateKey(b.key.suffix)}</code></td>
      <td><a href="/console/users/${b.key.userId}">${b.username}</a></td>
      <td>${b.key.enabled ? html`<span class="badge on">enabled</span>` : html`<span class="badge off">disabled</span>`}</td>
      <td class="num">${count(b.requests)}</td></tr>`,
  );
  return page(
    { ...frame, section: 'orgs' },
    org.name,
    html`<p><a href="/console/orgs">← Organizations</a></p>
<h1>${org.name}</h1>
<dl class="facts panel"><dt>ID</dt><dd><code>${org.id}</code></dd><dt>Created</dt><dd>${when(org.createdAt)}</dd>
<dt>Members</dt><dd>${count(view.membersTotal)}</dd></dl>
<h2>Busiest keys, last ${CHART_DAYS} days</h2>
${
  busiest.length === 0
    ? html`<p class="muted">No member's key has been used in the last ${CHART_DAYS} days.</p>`
    : html`<div class="table-scroll"><table id="busiest-keys">
  <thead><tr><th scope="col">Description</th><th scope="col">Key</th><th scope="col">User</th><th scope="col">State</th><th scope="col" class="num">Requests</th></tr></thead>
  <tbody>${busiest}</tbody></table></div>`
}
<h2>Members</h2>
${addMemberForm(frame, view)}
${
  members.length === 0
    ? html`<p class="muted">No members yet.</p>`
    : html`<div class="table-scroll"><table>
  <thead><tr><th scope="col">Username</th><th scope="col">Role</th><th scope="col">Name</th></tr></thead>
  <tbody>${members}</tbody></table></div>`
}
${view.membersTotal > view.members.length ? html`<p class="muted">Showing the first ${count(view.members.length)}.</p>` : ''}
<h2>Delete organization</h2>
<div class="panel"><p>Deletes ${org.name}; its members keep their accounts and keys, without this organization.</p>
  <a class="button danger" href="/console/orgs/${org.id}/delete">Delete organization…</a></div>`,
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
      'Its members lose their role in it, at once, and keep their accounts and keys. This cannot be undone.',
    action: `/console/orgs/${org.id}/delete`,
    button: 'Delete organization',
    cancel: `/console/orgs/${org.id}`,
  });
}

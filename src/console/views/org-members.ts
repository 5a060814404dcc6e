import { ORG_ROLES, type OrgRecord, type UserRecord } from '../../domain/records.js';
import { type Html, html } from '../html.js';
import { actionButton, csrf, type FormState, field, select } from './forms.js';
import { page } from './layout.js';
import { type IssuedLinkView, linkPanel } from './link-panel.js';
import type { SignedInFrame } from './user.js';
import { roleChoices } from './users.js';

export interface OrgMembersView extends FormState {
  readonly org: OrgRecord;
  readonly members: readonly UserRecord[];
  readonly membersTotal: number;
  /** A member just invited, with their link shown once. */
  readonly invited?: { readonly user: UserRecord; readonly link: IssuedLinkView };
}

const roleIn = (user: UserRecord, org: OrgRecord) =>
  user.orgRoles.find((role) => role.orgId === org.id)?.roleName ?? '';

function memberRow(frame: SignedInFrame, org: OrgRecord, user: UserRecord): Html {
  const base = `/console/org-members/${org.id}/members/${user.id}`;
  const current = roleIn(user, org);
  const options = ORG_ROLES.map(
    (role) =>
      html`<option value="${role}"${role === current ? html` selected` : ''}>${role}</option>`,
  );
  const name = [user.firstName, user.lastName].filter(Boolean).join(' ');
  const yourself = frame.user?.id === user.id;
  return html`<tr>
  <td data-label="Username">${user.username}</td>
  <td data-label="Name">${name || html`<span class="muted">—</span>`}</td>
  <td data-label="Role">${
    yourself
      ? html`${current} <span class="muted small">(you)</span>`
      : html`<form class="inline" method="post" action="${base}/role">${csrf(frame.csrfToken)}
    <label class="skip" for="role-${user.id}">Role of ${user.username}</label>
    <select id="role-${user.id}" name="role">${options}</select>
    <button class="secondary" type="submit">Change<span class="skip"> role of ${user.username}</span></button></form>`
  }</td>
  <td class="actions">${yourself ? '' : actionButton(`${base}/remove`, frame.csrfToken, html`Remove<span class="skip"> ${user.username}</span>`, 'danger')}</td>
</tr>`;
}

/** An ORG_OWNER's page for one of their orgs: its members, and nothing of their keys. */
export function orgMembersPage(frame: SignedInFrame, view: OrgMembersView): Html {
  const { org } = view;
  const rows = view.members.map((user) => memberRow(frame, org, user));
  const more =
    view.membersTotal > view.members.length
      ? html`<p class="muted">Showing ${view.members.length} of ${view.membersTotal} members.</p>`
      : '';
  return page(
    { ...frame, section: 'org-members' },
    org.name,
    html`<p><a href="/console/org-members">← My organizations</a></p>
<h1>${org.name}</h1>
<p><a class="button" href="/console/orgs/${org.id}/api-keys">API keys of ${org.name}</a></p>
${view.invited ? linkPanel(view.invited.link, view.invited.user) : ''}
<h2>Members</h2>
<div class="table-scroll"><table id="members">
<thead><tr><th scope="col">Username</th><th scope="col">Name</th><th scope="col">Role</th><th scope="col"><span class="skip">Actions</span></th></tr></thead>
<tbody>${rows}</tbody></table></div>
${more}
<h2>Add a member</h2>
<form class="grid-form panel" method="post" action="/console/org-members/${org.id}/members">${csrf(frame.csrfToken)}
  ${field({ name: 'username', label: 'Username', required: true, maxLength: 256 }, view.values, view.problems)}
  ${select({ name: 'role', label: 'Role', choices: roleChoices }, { role: 'ORG_MEMBER', ...view.values }, view.problems)}
  <div><button type="submit" name="action" value="add">Add existing user</button>
  <button class="secondary" type="submit" name="action" value="invite">Create and invite new user</button></div>
</form>`,
  );
}

/** The orgs the signed-in user owns. */
export function myOrgsPage(frame: SignedInFrame, orgs: readonly OrgRecord[]): Html {
  const items = orgs.map(
    (org) => html`<li><a href="/console/org-members/${org.id}">${org.name}</a></li>`,
  );
  return page(
    { ...frame, section: 'org-members' },
    'My organizations',
    html`<h1>My organizations</h1>
<p class="muted">As their ORG_OWNER you manage who belongs to these organizations.</p>
<div class="panel">${items.length > 0 ? html`<ul>${items}</ul>` : html`<p class="muted">You own no organization.</p>`}</div>`,
  );
}

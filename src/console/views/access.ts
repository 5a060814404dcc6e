import type { UserRecord } from '../../domain/records.js';
import { type Html, html } from '../html.js';
import { confirmPage } from './confirm.js';
import { actionButton, csrf, select } from './forms.js';
import type { Section, SignedInFrame } from './user.js';
import { orgField, roleChoices, roleNames } from './users.js';

// The user page's Access section: memberships in orgs and the global role.

const memberships: Section = (frame, { user, orgs, orgsTotal, memberOf, values, problems }) => {
  const orgName = new Map(memberOf.map((org) => [org.id, org.name]));
  const base = `/console/users/${user.id}/memberships`;
  const rows = user.orgRoles.map((m) => {
    const name = orgName.get(m.orgId) ?? m.orgId;
    return html`<li><span><a href="/console/orgs/${m.orgId}">${name}</a>: ${m.roleName}</span>
    ${actionButton(`${base}/${m.orgId}/remove`, frame.csrfToken, html`Remove<span class="skip"> from ${name}</span>`)}</li>`;
  });
  return html`<h3>Organizations</h3>
<div class="panel">${
    rows.length > 0
      ? html`<ul class="roles" id="roles">${rows}</ul>`
      : html`<p class="muted">Not in any organization.</p>`
  }</div>
${
  orgs.length === 0
    ? html`<p class="muted">There are no organizations yet. <a href="/console/orgs">Create one</a>.</p>`
    : html`<form class="grid-form panel" method="post" action="${base}">${csrf(frame.csrfToken)}
  ${orgField({ orgs, orgsTotal }, values, problems)}
  ${select({ name: 'role', label: 'Role', choices: roleChoices }, { role: 'ORG_MEMBER', ...values }, problems)}
  <div><button type="submit">Add or change role</button></div>
</form>`
}`;
};

const GLOBAL_OWNER_POWERS =
  'may act on every user through the API: list, generate, disable and delete anyone’s keys, and read every user and organization';

// Granting is the one change here that widens access: it asks first (a page of its own);
// revoking only narrows it.
const globalRole: Section = (frame, { user }) => {
  const base = `/console/users/${user.id}/global-owner`;
  const body = !user.globalRoles.includes('GLOBAL_OWNER')
    ? html`<p>Not a GLOBAL_OWNER: may act on their own keys only.</p>
  <a class="button secondary" href="${base}/grant">Make GLOBAL_OWNER…</a>`
    : frame.user?.id === user.id
      ? html`<p>GLOBAL_OWNER. This is your own account: another administrator can revoke it.</p>`
      : html`<p>GLOBAL_OWNER: ${GLOBAL_OWNER_POWERS}; signs in here with a console password.</p>
  ${actionButton(`${base}/revoke`, frame.csrfToken, 'Revoke GLOBAL_OWNER', 'danger')}`;
  return html`<h3>Global role</h3><div class="panel" id="global-role">${body}</div>`;
};

export const access: Section = (frame, view) =>
  html`<section aria-labelledby="access-title"><h2 id="access-title">Access</h2>
${memberships(frame, view)}${globalRole(frame, view)}</section>`;

export function confirmGrantOwnerPage(frame: SignedInFrame, user: UserRecord, keys: number): Html {
  return confirmPage(frame, {
    section: 'users',
    title: 'Grant GLOBAL_OWNER',
    question: `Make ${user.username} a GLOBAL_OWNER?`,
    facts: html`<dt>Username</dt><dd>${user.username}</dd><dt>ID</dt><dd><code>${user.id}</code></dd>
<dt>Roles now</dt><dd>${roleNames(user) || html`<span class="muted">none</span>`}</dd><dt>API keys</dt><dd>${keys}</dd>`,
    consequence: html`A GLOBAL_OWNER ${GLOBAL_OWNER_POWERS}. With a console password they can
sign in here and do all you can: create and delete users and organizations, grant and revoke
roles, this one included. Their API keys carry that power at once, on every instance.`,
    action: `/console/users/${user.id}/global-owner/grant`,
    button: 'Grant GLOBAL_OWNER',
    cancel: `/console/users/${user.id}`,
  });
}

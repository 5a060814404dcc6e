import { MAX_DESCRIPTION_LENGTH, obfuscateKey } from '../../domain/keys.js';
import { MIN_PASSWORD_LENGTH } from '../../domain/passwords.js';
import type { ApiKeyRecord, UserRecord } from '../../domain/records.js';
import { MAX_PROFILE_LENGTH, PROFILE_FIELDS } from '../../domain/users.js';
import { type Html, html } from '../html.js';
import type { Reveal } from '../key-reveals.js';
import { CHART_DAYS, sparkline } from '../usage-chart.js';
import { confirmPage } from './confirm.js';
import { count, when } from './format.js';
import { actionButton, csrf, type FormState, field, select } from './forms.js';
import { type Frame, page } from './layout.js';
import { consoleAccess, type IssuedLinkView, linkPanel } from './link-panel.js';
import { type PagerState, pager } from './pager.js';
import { type OrgOptions, orgField, roleChoices, roleNames } from './users.js';

export interface KeyRow {
  readonly key: ApiKeyRecord;
  /** Requests per day over `UserView.days`. */
  readonly daily: readonly number[];
}

export interface UserView extends FormState, OrgOptions {
  readonly user: UserRecord;
  readonly hasPassword: boolean;
  readonly keys: readonly KeyRow[];
  readonly days: readonly string[];
  readonly pager: PagerState;
  readonly reveal?: Reveal;
  /** A console link just issued, shown to its issuer once. */
  readonly link?: IssuedLinkView;
}

export type SignedInFrame = Frame & { csrfToken: string };

export function revealPanel(reveal: Reveal, user: UserRecord): Html {
  return html`<section class="reveal" aria-labelledby="new-key-title" id="new-key-panel" tabindex="-1">
  <h2 id="new-key-title">New API key: copy it now</h2>
  <p><strong>This is the only time the full key is shown.</strong> keyward does not store it and
  cannot show it again; if it is lost, generate a new key and delete this one.</p>
  <div class="key-row"><code id="new-key">${reveal.key}</code>
    <button class="secondary" type="button" data-copy="new-key" hidden>Copy</button>
    <span id="new-key-status" role="status"></span></div>
  <p class="muted">It is the password of HTTP Digest authentication, with the username
  <code>${user.username}</code>: <code class="example">curl --digest -u '${user.username}:KEY' …/api/atlas/v1.0/users/${user.id}/keys</code></p>
</section>`;
}

function keysTable(frame: SignedInFrame, view: UserView): Html {
  if (view.keys.length === 0) return html`<p class="muted">No API keys yet.</p>`;
  const base = `/console/users/${view.user.id}/keys`;
  const rows = view.keys.map(({ key, daily }) => {
    const toggle = key.enabled
      ? actionButton(
          `${base}/${key.id}/disable`,
          frame.csrfToken,
          html`Disable<span class="skip"> ${key.description}</span>`,
        )
      : actionButton(
          `${base}/${key.id}/enable`,
          frame.csrfToken,
          html`Enable<span class="skip"> ${key.description}</span>`,
        );
    return html`<tr id="key-${key.id}" data-key-id="${key.id}">
  <td class="description"><span class="text">${key.description}</span><div class="muted small">created ${when(key.createdAt)}</div></td>
  <td data-label="Key"><code class="key">${obfuscateKey(key.suffix)}</code></td>
  <td data-label="State">${key.enabled ? html`<span class="badge on">enabled</span>` : html`<span class="badge off">disabled</span>`}</td>
  <td class="num" data-label="Used" data-used-count="${key.usedCount}">${count(key.usedCount)}</td>
  <td data-label="Last used">${when(key.lastUsed)}</td>
  <td data-label="Last ${CHART_DAYS} days">${sparkline(view.days, daily)}</td>
  <td class="actions">${toggle}<a class="button secondary" href="${base}/${key.id}/delete">Delete<span class="skip"> ${key.description}</span></a></td>
</tr>`;
  });
  return html`<div class="table-scroll"><table id="keys">
  <thead><tr><th scope="col">Description</th><th scope="col">Key</th><th scope="col">State</th>
  <th scope="col" class="num">Used</th><th scope="col">Last used</th>
  <th scope="col">Requests, last ${CHART_DAYS} days</th><th scope="col"><span class="skip">Actions</span></th></tr></thead>
  <tbody>${rows}</tbody></table></div>`;
}

export type Section = (frame: SignedInFrame, view: UserView) => Html;

const facts: Section = (_frame, { user, hasPassword }) => html`<dl class="facts panel">
  <dt>ID</dt><dd><code>${user.id}</code></dd>
  <dt>Name</dt><dd>${[user.firstName, user.lastName].filter(Boolean).join(' ') || html`<span class="muted">—</span>`}</dd>
  <dt>Email</dt><dd>${user.emailAddress || html`<span class="muted">—</span>`}</dd>
  <dt>Created</dt><dd>${when(user.createdAt)}</dd>
  <dt>Console password</dt><dd>${hasPassword ? 'set' : 'not set'}</dd>
</dl>`;

// Folded away until wanted, and open again when a change was refused.
const profile: Section = (frame, { user, values, problems = {} }) => {
  const refused = PROFILE_FIELDS.some((name) => problems[name]);
  const current = refused
    ? values
    : { firstName: user.firstName, lastName: user.lastName, emailAddress: user.emailAddress };
  return html`<details class="panel" id="profile"${refused ? html` open` : ''}>
<summary>Edit name and email</summary>
<form class="grid-form" method="post" action="/console/users/${user.id}/profile">${csrf(frame.csrfToken)}
  ${field({ name: 'firstName', label: 'First name', maxLength: MAX_PROFILE_LENGTH }, current, problems)}
  ${field({ name: 'lastName', label: 'Last name', maxLength: MAX_PROFILE_LENGTH }, current, problems)}
  ${field({ name: 'emailAddress', label: 'Email', type: 'email', maxLength: MAX_PROFILE_LENGTH }, current, problems)}
  <div><button type="submit">Save</button></div>
</form>
</details>`;
};

export const keys: Section = (frame, view) => html`<h2>API keys</h2>
<form class="grid-form panel" method="post" action="/console/users/${view.user.id}/keys">${csrf(frame.csrfToken)}
  ${field({ name: 'description', label: 'Description', required: true, maxLength: MAX_DESCRIPTION_LENGTH, hint: 'what the key is for' }, view.values, view.problems)}
  <div><button type="submit">Generate key</button></div>
</form>
${keysTable(frame, view)}
${pager(view.pager)}`;

// A key generated here is shown to the administrator: right for a service account, wrong
// for a person, who should generate their own on "My keys".
const serviceKeys: Section = (frame, { user }) =>
  frame.user?.id === user.id
    ? html``
    : html`<p class="notice" id="service-keys">Keys generated on this page are shown to you, not to
${user.username}: use it for <strong>service accounts</strong>. A person generates their own keys
on "My keys" after accepting an invitation (Console access, below).</p>`;

const memberships: Section = (frame, { user, orgs, orgsTotal, values, problems }) => {
  const orgName = new Map(orgs.map((org) => [org.id, org.name]));
  const base = `/console/users/${user.id}/memberships`;
  const rows = user.orgRoles.map((m) => {
    const name = orgName.get(m.orgId) ?? m.orgId;
    return html`<li><span><a href="/console/orgs/${m.orgId}">${name}</a>: ${m.roleName}</span>
    ${actionButton(`${base}/${m.orgId}/remove`, frame.csrfToken, html`Remove<span class="skip"> from ${name}</span>`)}</li>`;
  });
  return html`<h2>Organizations</h2>
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

const globalRole: Section = (frame, { user }) => {
  const base = `/console/users/${user.id}/global-owner`;
  const body = !user.globalRoles.includes('GLOBAL_OWNER')
    ? html`<p>Not a GLOBAL_OWNER: may act on their own keys only.</p>
  ${actionButton(`${base}/grant`, frame.csrfToken, 'Make GLOBAL_OWNER')}`
    : frame.user?.id === user.id
      ? html`<p>GLOBAL_OWNER. This is your own account: another administrator can revoke it.</p>`
      : html`<p>GLOBAL_OWNER: may act on every user, here and through the API.</p>
  ${actionButton(`${base}/revoke`, frame.csrfToken, 'Revoke GLOBAL_OWNER', 'danger')}`;
  return html`<h2>Global role</h2><div class="panel" id="global-role">${body}</div>`;
};

const password: Section = (frame, { user, problems }) => html`<h2>Console password</h2>
<form class="grid-form panel" method="post" action="/console/users/${user.id}/password">${csrf(frame.csrfToken)}
  ${field({ name: 'password', label: 'New password', type: 'password', required: true, autocomplete: 'new-password', hint: `at least ${MIN_PASSWORD_LENGTH} characters; signs this user out of the console everywhere` }, {}, problems)}
  <div><button type="submit">Set password</button></div>
</form>`;

const deletion: Section = (frame, { user }) => html`<h2>Delete user</h2>
<div class="panel">${
  frame.user?.id === user.id
    ? html`<p class="muted">This is your own account: another administrator can delete it.</p>`
    : html`<p>Deletes ${user.username} with their keys and memberships, after a confirmation.</p>
  <a class="button danger" href="/console/users/${user.id}/delete">Delete user…</a>`
}</div>`;

export function userPage(frame: SignedInFrame, view: UserView): Html {
  const { user } = view;
  return page(
    { ...frame, section: 'users' },
    user.username,
    html`<p><a href="/console/users">← Users</a></p>
<h1>${user.username}</h1>
${view.reveal ? revealPanel(view.reveal, user) : ''}
${view.link ? linkPanel(view.link, user) : ''}
${[facts, profile, serviceKeys, keys, memberships, globalRole, consoleAccess, password, deletion].map((section) => section(frame, view))}`,
  );
}

export function confirmDeleteKeyPage(
  frame: SignedInFrame,
  user: UserRecord,
  key: ApiKeyRecord,
): Html {
  return confirmPage(frame, {
    section: 'users',
    title: 'Delete key',
    question: 'Delete this key?',
    facts: html`<dt>User</dt><dd>${user.username}</dd><dt>Description</dt><dd>${key.description}</dd>
<dt>Key</dt><dd><code class="key">${obfuscateKey(key.suffix)}</code></dd><dt>Used</dt><dd>${count(key.usedCount)} times</dd>`,
    consequence:
      'Clients using it will be refused at once. This cannot be undone; to stop it for a while, disable it instead.',
    action: `/console/users/${user.id}/keys/${key.id}/delete`,
    button: 'Delete key',
    cancel: `/console/users/${user.id}`,
  });
}

export function confirmDeleteUserPage(frame: SignedInFrame, user: UserRecord, keys: number): Html {
  return confirmPage(frame, {
    section: 'users',
    title: 'Delete user',
    question: 'Delete this user?',
    facts: html`<dt>Username</dt><dd>${user.username}</dd><dt>ID</dt><dd><code>${user.id}</code></dd>
<dt>API keys</dt><dd>${count(keys)}</dd><dt>Roles</dt><dd>${roleNames(user) || html`<span class="muted">none</span>`}</dd>`,
    consequence: `Their keys, memberships and console sessions go with them, and requests made with their keys are refused at once. This cannot be undone; a new user with the same username gets a new id and new keys.`,
    action: `/console/users/${user.id}/delete`,
    button: 'Delete user',
    cancel: `/console/users/${user.id}`,
  });
}

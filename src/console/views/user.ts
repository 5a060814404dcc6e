import { obfuscateKey } from '../../domain/keys.js';
import { MIN_PASSWORD_LENGTH } from '../../domain/passwords.js';
import type { ApiKeyRecord, OrgRecord, UserRecord } from '../../domain/records.js';
import { MAX_PROFILE_LENGTH, PROFILE_FIELDS } from '../../domain/users.js';
import { type Html, html } from '../html.js';
import { access } from './access.js';
import { confirmPage } from './confirm.js';
import { count, when } from './format.js';
import { csrf, type FormState, field } from './forms.js';
import { type KeyList, keySection, type RevealedKey, revealPanel } from './keys.js';
import { type Frame, page } from './layout.js';
import { consoleAccess, type IssuedLinkView, linkPanel } from './link-panel.js';
import { type OrgOptions, roleNames } from './users.js';

export interface UserView extends FormState, OrgOptions {
  readonly user: UserRecord;
  readonly hasPassword: boolean;
  /** The orgs the user's memberships name (an org past the select's list included). */
  readonly memberOf: readonly OrgRecord[];
  readonly keyList: KeyList;
  readonly reveal?: RevealedKey;
  /** A console link just issued, shown to its issuer once. */
  readonly link?: IssuedLinkView;
}

export type SignedInFrame = Frame & { csrfToken: string };

export type Section = (frame: SignedInFrame, view: UserView) => Html;

const facts: Section = (_frame, { user }) => html`<dl class="facts panel">
  <dt>ID</dt><dd><code>${user.id}</code></dd>
  <dt>Name</dt><dd>${[user.firstName, user.lastName].filter(Boolean).join(' ') || html`<span class="muted">—</span>`}</dd>
  <dt>Email</dt><dd>${user.emailAddress || html`<span class="muted">—</span>`}</dd>
  <dt>Created</dt><dd>${when(user.createdAt)}</dd>
  <dt>Roles</dt><dd>${roleNames(user) || html`<span class="muted">none</span>`}</dd>
</dl>`;

// Folded away until wanted, and open again when a change was refused.
const profile: Section = (frame, { user, values, problems = {} }) => {
  const refused = PROFILE_FIELDS.some((name) => problems[name]);
  const current = refused
    ? values
    : { firstName: user.firstName, lastName: user.lastName, emailAddress: user.emailAddress };
  return html`<h3>Profile</h3><details class="panel" id="profile"${refused ? html` open` : ''}>
<summary>Edit name and email</summary>
<form class="grid-form" method="post" action="/console/users/${user.id}/profile">${csrf(frame.csrfToken)}
  ${field({ name: 'firstName', label: 'First name', maxLength: MAX_PROFILE_LENGTH }, current, problems)}
  ${field({ name: 'lastName', label: 'Last name', maxLength: MAX_PROFILE_LENGTH }, current, problems)}
  ${field({ name: 'emailAddress', label: 'Email', type: 'email', maxLength: MAX_PROFILE_LENGTH }, current, problems)}
  <div><button type="submit">Save</button></div>
</form>
</details>`;
};

// A key generated here is shown to the administrator: right for a service account, wrong
// for a person, who should generate their own on "My keys".
const serviceKeys: Section = (frame, { user }) =>
  frame.user?.id === user.id
    ? html``
    : html`<p class="notice" id="service-keys">Keys generated on this page are shown to you, not to
${user.username}: use it for <strong>service accounts</strong>. A person generates their own keys
on "My keys" after accepting an invitation (Console access, below).</p>`;

const keys: Section = (frame, view) => {
  const base = `/console/users/${view.user.id}`;
  return html`<section aria-labelledby="keys-title"><h2 id="keys-title">Keys</h2>
${view.reveal ? revealPanel(view.reveal) : ''}
${serviceKeys(frame, view)}
${keySection(frame.csrfToken, view.keyList, {
  list: base,
  generate: `${base}/keys`,
  key: (keyId) => `${base}/keys/${keyId}`,
})}
<p><a href="${base}/access-list">API access list</a>: the addresses ${view.user.username}’s keys may be used from.</p></section>`;
};

// Every user may sign in to the console with a password, to manage their own keys.
const password: Section = (frame, { user, hasPassword, problems }) =>
  html`<h3>Console password</h3>
<form class="grid-form panel" id="password" method="post" action="/console/users/${user.id}/password">${csrf(frame.csrfToken)}
  <p class="muted">${hasPassword ? 'Set.' : 'Not set yet: this user cannot sign in until it is.'}</p>
  ${field({ name: 'password', label: 'New password', type: 'password', required: true, autocomplete: 'new-password', hint: `at least ${MIN_PASSWORD_LENGTH} characters; signs this user out of the console everywhere` }, {}, problems)}
  <div><button type="submit">Set password</button></div>
</form>`;

const deletion: Section = (
  frame,
  { user },
) => html`<section class="danger-zone" aria-labelledby="danger-title">
<h2 id="danger-title">Danger zone</h2>
<div class="panel">${
  frame.user?.id === user.id
    ? html`<p class="muted">This is your own account: another administrator can delete it.</p>`
    : html`<p>Deletes ${user.username} with their keys and memberships, after a confirmation.</p>
  <a class="button danger" href="/console/users/${user.id}/delete">Delete user…</a>`
}</div></section>`;

export function userPage(frame: SignedInFrame, view: UserView): Html {
  const { user } = view;
  return page(
    { ...frame, section: 'users' },
    user.username,
    html`<p><a href="/console/users">← Users</a></p>
<h1>${user.username}</h1>
${view.link ? linkPanel(view.link, user) : ''}
${facts(frame, view)}
${keys(frame, view)}
${access(frame, view)}
<section aria-labelledby="settings-title"><h2 id="settings-title">Settings</h2>
${profile(frame, view)}${consoleAccess(frame, view)}${password(frame, view)}</section>
${deletion(frame, view)}`,
  );
}

export function confirmDeleteKeyPage(
  frame: SignedInFrame,
  user: UserRecord,
  key: ApiKeyRecord,
  /** The page listing the key ("My keys" or the user's page) and its view (filter and page). */
  back: { readonly list: string; readonly view: string },
): Html {
  const { list, view } = back;
  return confirmPage(frame, {
    section: 'users',
    title: 'Delete key',
    question: 'Delete this key?',
    facts: html`<dt>User</dt><dd>${user.username}</dd><dt>Description</dt><dd>${key.description}</dd>
<dt>Key</dt><dd><code class="key">${obfuscateKey(key.suffix)}</code></dd><dt>Used</dt><dd>${count(key.usedCount)} times</dd>`,
    consequence:
      'Clients using it will be refused at once. This cannot be undone; to stop it for a while, disable it instead.',
    action: `/console/users/${user.id}/keys/${key.id}/delete${view}`,
    button: 'Delete key',
    cancel: `${list}${view}`,
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

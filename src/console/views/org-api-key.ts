import { obfuscateKey } from '../../domain/keys.js';
import type { OrgApiKeyRecord } from '../../domain/records.js';
import { type Html, html } from '../html.js';
import { type AccessListView, accessListSection } from './access-list.js';
import { confirmPage } from './confirm.js';
import { count, when } from './format.js';
import { csrf, type FormState } from './forms.js';
import { type RevealedKey, revealPanel } from './keys.js';
import { page } from './layout.js';
import { descField, type OrgPlace, roleBoxes } from './org-api-keys.js';
import type { SignedInFrame } from './user.js';

export interface ApiKeyView extends OrgPlace {
  readonly key: OrgApiKeyRecord;
  /** The edit form as typed, when a change was refused. */
  readonly edit: FormState;
  readonly accessList: AccessListView;
  /** The private key, on the one view after its creation. */
  readonly reveal?: RevealedKey;
}

const keyPath = (key: OrgApiKeyRecord) => `/console/orgs/${key.orgId}/api-keys/${key.id}`;

const facts = (key: OrgApiKeyRecord) => html`<dl class="facts panel">
  <dt>Public key</dt><dd><code id="public-key">${key.publicKey}</code></dd>
  <dt>Private key</dt><dd><code class="key">${obfuscateKey(key.suffix)}</code></dd>
  <dt>Roles</dt><dd>${key.roles.join(', ')}</dd>
  <dt>Created</dt><dd>${when(key.createdAt)}</dd>
  <dt>Last used</dt><dd>${when(key.lastUsed)}</dd>
  <dt>Requests</dt><dd>${count(key.usedCount)}</dd>
</dl>`;

/** One programmatic key: its facts, the one-time panel, its edit form and access list. */
export function apiKeyPage(frame: SignedInFrame, view: ApiKeyView): Html {
  const { key, org } = view;
  const values = view.edit.values ?? { desc: key.description, roles: key.roles.join(' ') };
  return page(
    { ...frame, section: view.section },
    key.description,
    html`<p><a href="/console/orgs/${org.id}/api-keys">← API keys of ${org.name}</a></p>
<h1>${key.description}</h1>
${view.reveal ? revealPanel(view.reveal) : ''}
${facts(key)}
<section class="panel" aria-labelledby="edit-api-key">
  <h2 id="edit-api-key">Description and roles</h2>
  <form class="grid-form" method="post" action="${keyPath(key)}">${csrf(frame.csrfToken)}
    ${descField({ values, problems: view.edit.problems ?? {} })}
    ${roleBoxes(values, view.edit.problems?.roles)}
    <div><button type="submit">Save</button></div>
  </form>
</section>
${accessListSection(frame.csrfToken, view.accessList, html`The addresses this key may be used from.`)}
<section class="danger-zone" aria-labelledby="danger-title"><h2 id="danger-title">Danger zone</h2>
<div class="panel"><p>Deleting the key stops it authenticating everywhere.</p>
  <a class="button danger" href="${keyPath(key)}/delete">Delete API key…</a></div></section>`,
  );
}

export function confirmDeleteApiKeyPage(
  frame: SignedInFrame,
  view: OrgPlace & { key: OrgApiKeyRecord },
): Html {
  const { key } = view;
  return confirmPage(frame, {
    section: view.section,
    title: 'Delete API key',
    question: 'Delete this API key?',
    facts: html`<dt>Description</dt><dd>${key.description}</dd><dt>Public key</dt><dd><code>${key.publicKey}</code></dd>
<dt>Organization</dt><dd>${view.org.name}</dd>`,
    consequence:
      'Requests signed with it are refused from now on, everywhere. This cannot be undone.',
    action: `${keyPath(key)}/delete`,
    button: 'Delete API key',
    cancel: keyPath(key),
  });
}

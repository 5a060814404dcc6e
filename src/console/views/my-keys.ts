import type { UserRecord } from '../../domain/records.js';
import { type Html, html } from '../html.js';
import { type KeyList, keySection, type RevealedKey, revealPanel } from './keys.js';
import { page } from './layout.js';
import type { SignedInFrame } from './user.js';

export interface MyKeysView {
  readonly user: UserRecord;
  readonly keyList: KeyList;
  readonly reveal?: RevealedKey;
}

// Apart from the keys table (shared with the administrator's view), so the table stays as
// wide as it is: pick a key, then edit its description on its own page.
function renameForm({ keyList }: MyKeysView): Html {
  if (keyList.keys.length === 0) return html``;
  const options = keyList.keys.map(
    ({ key }) => html`<option value="${key.id}">${key.description} (…${key.suffix})</option>`,
  );
  return html`<form class="grid-form panel" method="get" action="/console/keys/edit">
  <div class="field"><label for="f-key">Key to rename</label>
  <select id="f-key" name="key">${options}</select></div>
  <div><button class="secondary" type="submit">Rename key…</button></div>
</form>`;
}

/**
 * The signed-in user's own keys: the same panel and list as an administrator's view of a
 * user, so both pages change together; only here is a personal key ever shown.
 */
export function myKeysPage(frame: SignedInFrame, view: MyKeysView): Html {
  const base = `/console/users/${view.user.id}`;
  return page(
    { ...frame, section: 'keys' },
    'My keys',
    html`<h1>My keys</h1>
<p class="muted">Each key is a password for HTTP Digest authentication with your username,
<code>${view.user.username}</code>. A new key is shown once, to you only.</p>
${view.reveal ? revealPanel(view.reveal) : ''}
${keySection(frame.csrfToken, view.keyList, {
  list: '/console/keys',
  generate: `${base}/keys`,
  key: (keyId) => `${base}/keys/${keyId}`,
})}
${renameForm(view)}
<p><a href="${base}/access-list">API access list</a>: the addresses your keys may be used from.</p>`,
  );
}

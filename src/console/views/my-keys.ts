import { type Html, html } from '../html.js';
import { page } from './layout.js';
import { keys, revealPanel, type SignedInFrame, type UserView } from './user.js';

// Apart from the keys table (shared with the administrator's view), so the table stays as
// wide as it is: pick a key, then edit its description on its own page.
function renameForm(view: UserView): Html {
  if (view.keys.length === 0) return html``;
  const options = view.keys.map(
    ({ key }) => html`<option value="${key.id}">${key.description} (…${key.suffix})</option>`,
  );
  return html`<form class="grid-form panel" method="get" action="/console/keys/edit">
  <div class="field"><label for="f-key">Key to rename</label>
  <select id="f-key" name="key">${options}</select></div>
  <div><button class="secondary" type="submit">Rename key…</button></div>
</form>`;
}

/**
 * The signed-in user's own keys: the same panel and table as an administrator's view of a
 * user, so both pages change together; only here is a personal key ever shown.
 */
export function myKeysPage(frame: SignedInFrame, view: UserView): Html {
  return page(
    { ...frame, section: 'keys' },
    'My keys',
    html`<h1>My keys</h1>
<p class="muted">Each key is a password for HTTP Digest authentication with your username,
<code>${view.user.username}</code>. A new key is shown once, to you only.</p>
${view.reveal ? revealPanel(view.reveal, view.user) : ''}
${keys(frame, view)}
${renameForm(view)}`,
  );
}

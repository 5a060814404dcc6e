import { MAX_DESCRIPTION_LENGTH, obfuscateKey } from '../../domain/keys.js';
import type { ApiKeyRecord, UserRecord } from '../../domain/records.js';
import { type Html, html } from '../html.js';
import { csrf, type FormState, field } from './forms.js';
import { page } from './layout.js';
import type { SignedInFrame } from './user.js';

/** A key's description, to change; the key itself is shown only in its obfuscated form. */
export function editDescriptionPage(
  frame: SignedInFrame,
  view: FormState & { user: UserRecord; key: ApiKeyRecord; back: string },
): Html {
  const { user, key } = view;
  const own = frame.user?.id === user.id;
  return page(
    { ...frame, section: own ? 'keys' : 'users' },
    'Edit key description',
    html`<div class="narrow panel">
<h1>Edit key description</h1>
<dl class="facts"><dt>User</dt><dd>${user.username}</dd>
<dt>Key</dt><dd><code class="key">${obfuscateKey(key.suffix)}</code></dd></dl>
<form class="stack" method="post" action="/console/users/${user.id}/keys/${key.id}/description">${csrf(frame.csrfToken)}
  ${field({ name: 'description', label: 'Description', required: true, maxLength: MAX_DESCRIPTION_LENGTH, hint: 'what the key is for' }, view.values ?? { description: key.description }, view.problems)}
  <div><button type="submit">Save description</button>
  <a class="button secondary" href="${view.back}">Cancel</a></div>
</form>
</div>`,
  );
}

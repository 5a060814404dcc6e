import { type Html, html } from '../html.js';
import { page } from './layout.js';
import { keys, revealPanel, type SignedInFrame, type UserView } from './user.js';

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
${keys(frame, view)}`,
  );
}

import { type Fragment, type Html, html } from '../html.js';
import { csrf } from './forms.js';
import { type Frame, page, type Section } from './layout.js';

/** What a destructive action asks before it happens. */
export interface Confirmation {
  readonly section: Section;
  readonly title: string;
  readonly question: string;
  /** `<dt>/<dd>` pairs naming exactly what goes. */
  readonly facts: Html;
  readonly consequence: Fragment;
  /** The form's POST target, and its button's words. */
  readonly action: string;
  readonly button: string;
  readonly cancel: string;
}

// Deleting is a page of its own, not a script's confirm(): it works without JavaScript,
// and the POST behind it still needs the session's CSRF token.
export function confirmPage(frame: Frame & { csrfToken: string }, c: Confirmation): Html {
  return page(
    { ...frame, section: c.section },
    c.title,
    html`<div class="narrow panel">
<h1>${c.question}</h1>
<dl class="facts">${c.facts}</dl>
<p>${c.consequence}</p>
<form class="inline" method="post" action="${c.action}">${csrf(frame.csrfToken)}
  <button class="danger" type="submit">${c.button}</button></form>
<a class="button secondary" href="${c.cancel}">Cancel</a>
</div>`,
  );
}

import { type Fragment, type Html, html } from '../html.js';
import { type Frame, page } from './layout.js';

/** A page that only says what went wrong and where to go next. */
export function messagePage(frame: Frame, title: string, message: Fragment): Html {
  return page(
    frame,
    title,
    html`<div class="narrow panel" role="alert"><h1>${title}</h1><p>${message}</p>
<p><a href="/console">Back to the console</a></p></div>`,
  );
}

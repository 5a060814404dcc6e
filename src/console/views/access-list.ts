import { type AccessListEntry, singleAddress } from '../../domain/access-list.js';
import { MAX_ACCESS_COMMENT_LENGTH } from '../../http/schemas/access-list.js';
import { type Html, html } from '../html.js';
import { count, when } from './format.js';
import { csrf, type FormState, field } from './forms.js';
import { type PagerState, pagedList } from './pager.js';

// An API access list as any page shows it (a user's, a programmatic key's): the list's
// form target comes in as data, so no page's routes are assumed here.

export interface AccessListView extends FormState {
  readonly entries: readonly AccessListEntry[];
  readonly pager: PagerState;
  /** Where entries are added; `…/remove` removes one. */
  readonly action: string;
}

function entryRow(token: string, action: string, entry: AccessListEntry): Html {
  const address = singleAddress(entry.cidrBlock) ?? entry.cidrBlock;
  return html`<tr><td class="title"><code>${address}</code></td>
  <td data-label="Comment">${entry.comment ?? ''}</td>
  <td class="num" data-label="Uses">${count(entry.count)}</td>
  <td data-label="Last used">${when(entry.lastUsed)}</td>
  <td data-label="Last used from">${entry.lastUsedAddress ? html`<code>${entry.lastUsedAddress}</code>` : ''}</td>
  <td class="actions"><form class="inline" method="post" action="${action}/remove">${csrf(token)}
    <input type="hidden" name="cidrBlock" value="${entry.cidrBlock}">
    <button class="danger" type="submit">Remove<span class="skip"> ${address}</span></button></form></td></tr>`;
}

/** The list, its pager and the add form; `intro` says whose keys it gates. */
export function accessListSection(token: string, view: AccessListView, intro: Html): Html {
  const rows = view.entries.map((entry) => entryRow(token, view.action, entry));
  return html`<section aria-labelledby="access-list-title" id="access-list">
<h2 id="access-list-title">API access list</h2>
<p class="muted">${intro} An empty list allows every address; once it has an entry, only
the listed addresses may use the keys (the console is not affected).</p>
<form class="grid-form panel" method="post" action="${view.action}">${csrf(token)}
  ${field({ name: 'address', label: 'IP address or CIDR block', required: true, maxLength: 100, hint: 'e.g. 203.0.113.7 or 203.0.113.0/24; IPv6 too' }, view.values, view.problems)}
  ${field({ name: 'comment', label: 'Comment', maxLength: MAX_ACCESS_COMMENT_LENGTH }, view.values, view.problems)}
  <div><button type="submit">Add to access list</button></div>
</form>
${pagedList(
  view.pager,
  view.entries.length,
  () => html`<div class="table-scroll"><table id="access-entries" class="cards">
  <thead><tr><th scope="col">Address</th><th scope="col">Comment</th><th scope="col" class="num">Uses</th>
  <th scope="col">Last used</th><th scope="col">Last used from</th><th scope="col"><span class="skip">Actions</span></th></tr></thead>
  <tbody>${rows}</tbody></table></div>`,
  html`<p class="muted" id="access-list-empty">No entries: the keys work from any address.</p>`,
)}
</section>`;
}

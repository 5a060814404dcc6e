import { expiresSoon, expiryMs } from '../../domain/expiry.js';
import { MAX_DESCRIPTION_LENGTH, obfuscateKey } from '../../domain/keys.js';
import type { ApiKeyRecord } from '../../domain/records.js';
import type { KeyFilter } from '../../store/store.js';
import { type Fragment, type Html, html } from '../html.js';
import { EXPIRY_CHOICES, EXPIRY_HINT } from '../key-lifetime.js';
import { shellQuote } from '../shell.js';
import { CHART_DAYS, sparkline } from '../usage-chart.js';
import { count, when } from './format.js';
import { actionButton, csrf, type FormState, field, select } from './forms.js';
import { type PagerState, pagedList } from './pager.js';

// A user's keys as any page shows them (an administrator's user page, the owner's own):
// everything comes in as data, and every form's target as a URL, so no page's routes are
// assumed here.

export interface KeyRow {
  readonly key: ApiKeyRecord;
  /** Requests per day over `KeyList.days`. */
  readonly daily: readonly number[];
}

export interface KeyList extends FormState {
  /** The page of keys, newest first, as the filter chose them. */
  readonly keys: readonly KeyRow[];
  readonly days: readonly string[];
  readonly filter: KeyFilter;
  /** This view's query (filter and page): key actions carry it, to come back to the same view. */
  readonly view: string;
  readonly pager: PagerState;
  /** Keys the user holds in all, and the most they may hold. */
  readonly held: number;
  readonly max: number;
  /** The key just generated, marked in the list. */
  readonly highlight?: string;
  /** Epoch ms the expiry and staleness flags are judged at. */
  readonly now: number;
}

export interface KeyUrls {
  /** The list's own page: the filter form's GET target. */
  readonly list: string;
  /** Where the Generate form posts. */
  readonly generate: string;
  /** A key's base: `/enable` and `/disable` are POSTed to it, `/delete` is a confirmation page. */
  readonly key: (keyId: string) => string;
}

/** A Copy button for the element `target`; hidden until the script makes it work. */
function copyButton(target: string, label: Fragment): Html {
  return html`<button class="secondary copy" type="button" data-copy="${target}" hidden>${label}</button><span class="copy-status" id="${target}-status" role="status"></span>`;
}

export interface RevealedKey {
  readonly key: string;
  readonly username: string;
  /** The key list's URL in the API, as clients reach it (the public URL, else the request's origin). */
  readonly keysUrl: string;
  /** What the command does with it; a personal key lists its owner's keys. */
  readonly tries?: string;
}

/** The one-time panel: the key, and a curl command that works as it stands. */
export function revealPanel(reveal: RevealedKey): Html {
  const command = `curl --digest -u ${shellQuote(`${reveal.username}:${reveal.key}`)} ${shellQuote(reveal.keysUrl)}`;
  return html`<section class="reveal" aria-labelledby="new-key-title" id="new-key-panel" tabindex="-1">
  <h2 id="new-key-title">New API key: copy it now</h2>
  <p><strong>This is the only time the full key is shown.</strong> keyward does not store it and
  cannot show it again; if it is lost, generate a new key and delete this one.</p>
  <div class="key-row"><code id="new-key">${reveal.key}</code>${copyButton('new-key', 'Copy')}</div>
  <p>It is the password of HTTP Digest authentication, with the username
  <code>${reveal.username}</code>. To try it, run this command, which ${reveal.tries ?? 'lists the keys'} (it
  holds the key: it stays in your shell's history):</p>
  <div class="key-row"><code class="command" id="new-key-curl">${command}</code>${copyButton('new-key-curl', 'Copy command')}</div>
</section>`;
}

const DAY_MS = 86_400_000;
/** Keys expiring this soon are flagged, so their owners roll them in time. */
export const EXPIRY_WARNING_MS = 14 * DAY_MS;
/** Keys unused this long are flagged as candidates for deletion. */
export const STALE_AFTER_MS = 90 * DAY_MS;

/** Labels in words (not colour alone), read by screen readers with the row. */
function keyFlags(key: ApiKeyRecord, nowMs: number): Html {
  const flags: Html[] = [];
  const expiry = expiryMs(key.expiresAt);
  if (expiry !== undefined && expiry <= nowMs) {
    flags.push(
      html` <span class="badge off" data-flag="expired">expired ${when(key.expiresAt)}</span>`,
    );
  } else if (expiresSoon(key.expiresAt, EXPIRY_WARNING_MS, nowMs)) {
    flags.push(
      html` <span class="badge warn" data-flag="expiring">expires ${when(key.expiresAt)}</span>`,
    );
  } else if (key.expiresAt !== undefined) {
    flags.push(html`<div class="muted small">expires ${when(key.expiresAt)}</div>`);
  }
  const since = Date.parse(key.lastUsed ?? key.createdAt);
  if (nowMs - since >= STALE_AFTER_MS) {
    flags.push(html` <span class="badge warn" data-flag="unused">unused for 90+ days</span>`);
  }
  return html`${flags}`;
}

function whereUsed(key: ApiKeyRecord): Html {
  if (key.lastUsedAddress === undefined) return html``;
  const agent = key.lastUsedUserAgent;
  return html`<div class="muted small" data-last-used-address>from <code>${key.lastUsedAddress}</code>${
    agent === undefined ? '' : html` · <span class="user-agent">${agent}</span>`
  }</div>`;
}

function keyTable(token: string, list: KeyList, urls: KeyUrls): Html {
  const rows = list.keys.map(({ key, daily }) => {
    const base = urls.key(key.id);
    const named = (verb: string) => html`${verb}<span class="skip"> ${key.description}</span>`;
    const toggle = key.enabled
      ? actionButton(`${base}/disable${list.view}`, token, named('Disable'))
      : actionButton(`${base}/enable${list.view}`, token, named('Enable'));
    const isNew = key.id === list.highlight;
    return html`<tr id="key-${key.id}" data-key-id="${key.id}"${isNew ? html` class="new"` : ''}>
  <td class="description">${isNew ? html`<span class="badge new">new</span> ` : ''}<span class="text">${key.description}</span><div class="muted small">created ${when(key.createdAt)}</div></td>
  <td data-label="Key"><div><code class="key">${obfuscateKey(key.suffix)}</code>
    <div class="key-id small"><span class="muted">id</span> <code id="key-id-${key.id}">${key.id}</code>${copyButton(`key-id-${key.id}`, html`Copy<span class="skip"> the id of ${key.description}</span>`)}</div></div></td>
  <td data-label="State">${key.enabled ? html`<span class="badge on">enabled</span>` : html`<span class="badge off">disabled</span>`}${keyFlags(key, list.now)}</td>
  <td class="num" data-label="Used" data-used-count="${key.usedCount}">${count(key.usedCount)}</td>
  <td data-label="Last used">${when(key.lastUsed)}${whereUsed(key)}</td>
  <td data-label="Last ${CHART_DAYS} days">${sparkline(list.days, daily)}</td>
  <td class="actions">${toggle}${actionButton(`${base}/roll${list.view}`, token, named('Roll'))}<a class="button secondary" href="${base}/delete${list.view}">${named('Delete')}</a></td>
</tr>`;
  });
  return html`<div class="table-scroll"><table id="keys" class="cards">
  <thead><tr><th scope="col">Description</th><th scope="col">Key</th><th scope="col">State</th>
  <th scope="col" class="num">Used</th><th scope="col">Last used</th>
  <th scope="col">Requests, last ${CHART_DAYS} days</th><th scope="col"><span class="skip">Actions</span></th></tr></thead>
  <tbody>${rows}</tbody></table></div>`;
}

const STATES = [
  { value: 'all', label: 'Enabled and disabled' },
  { value: 'enabled', label: 'Enabled only' },
  { value: 'disabled', label: 'Disabled only' },
];

function filterForm(list: KeyList, urls: KeyUrls): Html {
  const { filter } = list;
  const filtered = filter.state !== 'all' || filter.description !== '';
  return html`<form class="grid-form panel" method="get" action="${urls.list}" role="search" aria-label="Keys">
  ${field({ name: 'q', label: 'Search keys', type: 'search', hint: 'by description', maxLength: MAX_DESCRIPTION_LENGTH }, { q: filter.description })}
  ${select({ name: 'state', label: 'State', choices: STATES }, { state: filter.state })}
  <div><button class="secondary" type="submit">Filter</button>${
    filtered ? html` <a href="${urls.list}">Show all</a>` : ''
  }</div>
</form>`;
}

function generateForm(token: string, list: KeyList, urls: KeyUrls): Html {
  const full = list.held >= list.max;
  return html`<form class="grid-form panel" method="post" action="${urls.generate}">${csrf(token)}
  ${field({ name: 'description', label: 'Description', required: true, maxLength: MAX_DESCRIPTION_LENGTH, hint: 'what the key is for' }, list.values, list.problems)}
  ${select({ name: 'expiresIn', label: 'Expires', choices: EXPIRY_CHOICES, hint: EXPIRY_HINT }, list.values, list.problems)}
  <div><button type="submit"${full ? html` disabled aria-describedby="key-limit"` : ''}>Generate key</button></div>
  ${full ? html`<p class="field-error" id="key-limit">At the limit: ${count(list.max)} keys is the most one user may hold. Delete a key to generate another.</p>` : ''}
</form>`;
}

/** Counter, Generate, filter, the page of keys and its pager. */
export function keySection(token: string, list: KeyList, urls: KeyUrls): Html {
  const filtered = list.filter.state !== 'all' || list.filter.description !== '';
  return html`<p id="key-count"><strong>${count(list.held)} of ${count(list.max)}</strong> keys${
    filtered ? html` · ${count(list.pager.total)} match the filter` : ''
  }</p>
${generateForm(token, list, urls)}
${list.held > 0 ? filterForm(list, urls) : ''}
${pagedList(
  list.pager,
  list.keys.length,
  () => keyTable(token, list, urls),
  html`<p class="muted">${filtered ? 'No key matches the filter.' : 'No API keys yet.'}</p>`,
)}`;
}

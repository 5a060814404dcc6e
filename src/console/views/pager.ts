import { type Html, html } from '../html.js';
import { count } from './format.js';

export interface PagerState {
  readonly pageNum: number;
  readonly itemsPerPage: number;
  readonly total: number;
  /** The list's URL for a page number, keeping the list's other query parameters. */
  readonly href: (pageNum: number) => string;
}

export function lastPage(state: Pick<PagerState, 'itemsPerPage' | 'total'>): number {
  return Math.max(1, Math.ceil(state.total / state.itemsPerPage));
}

export function pager(state: PagerState): Html {
  const last = lastPage(state);
  if (last === 1 || state.pageNum > last) return html``;
  const link = (n: number, label: string, rel: string) =>
    html`<a href="${state.href(n)}" rel="${rel}">${label}</a>`;
  return html`<nav class="pager" aria-label="Pages">${
    state.pageNum > 1 ? link(state.pageNum - 1, '← Previous', 'prev') : ''
  }<span>Page ${count(state.pageNum)} of ${count(last)}</span>${
    state.pageNum < last ? link(state.pageNum + 1, 'Next →', 'next') : ''
  }</nav>`;
}

/**
 * A list with its pager, or why it shows nothing: a page past the end (an old link, a
 * list that shrank) says so and links to the last page, instead of calling the list empty.
 */
export function pagedList(state: PagerState, shown: number, list: () => Html, empty: Html): Html {
  if (shown > 0) return html`${list()}${pager(state)}`;
  if (state.total === 0) return empty;
  const last = lastPage(state);
  return html`<p class="notice" id="past-the-end">There is no page ${count(state.pageNum)}: the list has ${
    last === 1 ? 'one page' : html`${count(last)} pages`
  }. <a href="${state.href(last)}">Go to the last page</a>.</p>`;
}

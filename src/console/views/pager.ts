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
  if (last === 1) return html``;
  const link = (n: number, label: string, rel: string) =>
    html`<a href="${state.href(n)}" rel="${rel}">${label}</a>`;
  return html`<nav class="pager" aria-label="Pages">${
    state.pageNum > 1 ? link(state.pageNum - 1, '← Previous', 'prev') : ''
  }<span>Page ${count(state.pageNum)} of ${count(last)}</span>${
    state.pageNum < last ? link(state.pageNum + 1, 'Next →', 'next') : ''
  }</nav>`;
}

import type { Page, PageRequest } from '../domain/records.js';
import { pageLinks } from './links.js';
import type { ListQuery } from './schemas/common.js';

export interface ListResult<D> {
  links: { href: string; rel: string }[];
  results: D[];
  totalCount?: number;
}

/**
 * One page of an Atlas list; `href` is the list's absolute URL without a query. Asks the store for one item more than the page holds, so
 * `next` is exact even when `includeCount=false` skips the count.
 */
export async function listPage<T, D>(
  href: string,
  query: Pick<ListQuery, 'pageNum' | 'itemsPerPage' | 'includeCount'>,
  fetch: (page: PageRequest) => Promise<Page<T>>,
  toDocument: (item: T) => D,
): Promise<ListResult<D>> {
  const { pageNum, itemsPerPage } = query;
  const includeCount = query.includeCount !== 'false';
  const page = await fetch({
    offset: (pageNum - 1) * itemsPerPage,
    limit: itemsPerPage + 1,
    includeCount,
  });
  const hasNext = page.items.length > itemsPerPage;
  const items = hasNext ? page.items.slice(0, itemsPerPage) : page.items;
  return {
    links: pageLinks(href, { pageNum, itemsPerPage, hasNext }),
    results: items.map(toDocument),
    ...(includeCount ? { totalCount: page.total ?? 0 } : {}),
  };
}

/** A page of a list held in memory, as the store would have answered it. */
export function pageOf<T>(items: readonly T[], page: PageRequest): Page<T> {
  return { items: items.slice(page.offset, page.offset + page.limit), total: items.length };
}

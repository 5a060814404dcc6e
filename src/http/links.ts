import type { FastifyRequest } from 'fastify';
import type { PublicUrl } from './public-url.js';
import type { Link } from './schemas/common.js';

/**
 * Absolute URLs for `links`: the configured public base URL, or else the request's own
 * scheme and Host (what the client used, so links work through port forwards).
 */
export function baseUrl(request: FastifyRequest, publicUrl: PublicUrl | undefined): string {
  if (publicUrl) return publicUrl.base;
  return `${request.protocol}://${request.host}`;
}

/** The request path without its query string. */
export function requestPath(request: FastifyRequest): string {
  const url = request.raw.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

export interface PageState {
  readonly pageNum: number;
  readonly itemsPerPage: number;
  readonly hasNext: boolean;
}

/** `self` always (clients read the current page from it), `previous` and `next` when they exist. */
export function pageLinks(href: string, page: PageState): Link[] {
  const at = (pageNum: number) => `${href}?pageNum=${pageNum}&itemsPerPage=${page.itemsPerPage}`;
  const links: Link[] = [];
  if (page.pageNum > 1) links.push({ href: at(page.pageNum - 1), rel: 'previous' });
  links.push({ href: at(page.pageNum), rel: 'self' });
  if (page.hasNext) links.push({ href: at(page.pageNum + 1), rel: 'next' });
  return links;
}

/** The absolute URL of the requested resource, without its query. */
export function selfHref(request: FastifyRequest, publicUrl: PublicUrl | undefined): string {
  return baseUrl(request, publicUrl) + requestPath(request);
}

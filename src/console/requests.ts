import type { FastifyReply, FastifyRequest } from 'fastify';
import { mayAdminister } from '../domain/access.js';
import { isObjectId } from '../domain/ids.js';
import type { Page, PageRequest, UserRecord } from '../domain/records.js';
import type { ConsoleContext } from './context.js';
import type { Html } from './html.js';
import type { Frame } from './views/layout.js';
import { noticeFor } from './views/notices.js';
import type { PagerState } from './views/pager.js';

/**
 * A string field of a parsed form or query. Forms arrive as `Record<string, string |
 * string[]>`; a repeated field counts as its first value, anything else as absent.
 */
export function text(source: unknown, name: string): string {
  if (typeof source !== 'object' || source === null) return '';
  const value: unknown = (source as Record<string, unknown>)[name];
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}

/** Every value of a repeated form field (checkboxes), strings only. */
export function allOf(source: unknown, name: string): string[] {
  if (typeof source !== 'object' || source === null) return [];
  const value: unknown = (source as Record<string, unknown>)[name];
  const values: unknown[] = Array.isArray(value) ? value : [value];
  return values.filter((v): v is string => typeof v === 'string');
}

/** The named fields of a form, as strings, to validate and to send back on refusal. */
export function fields<const N extends string>(
  source: unknown,
  names: readonly N[],
): Record<N, string> {
  return Object.fromEntries(names.map((name) => [name, text(source, name)])) as Record<N, string>;
}

/** A list's page number from `?pageNum=`; anything that is not a positive integer is page 1. */
export function pageNum(request: FastifyRequest): number {
  const raw = text(request.query, 'pageNum');
  const n = /^\d{1,9}$/.test(raw) ? Number(raw) : 1;
  return Math.max(n, 1);
}

/**
 * The page of a list that `?pageNum=` asks for, `itemsPerPage` a page and counted, with the
 * pager that goes with it; `href` is the list's URL for a page number.
 */
export async function pageOfList<T>(
  request: FastifyRequest,
  itemsPerPage: number,
  list: (page: PageRequest) => Promise<Page<T>>,
  href: (pageNum: number) => string,
): Promise<{ readonly items: readonly T[]; readonly pager: PagerState }> {
  const n = pageNum(request);
  const found = await list({
    offset: (n - 1) * itemsPerPage,
    limit: itemsPerPage,
    includeCount: true,
  });
  return { items: found.items, pager: { pageNum: n, itemsPerPage, total: found.total ?? 0, href } };
}

const MAX_SEARCH_LENGTH = 256;

/** A list's search from `?q=`, trimmed and capped. */
export function searchParam(request: FastifyRequest): string {
  return text(request.query, 'q').trim().slice(0, MAX_SEARCH_LENGTH);
}

/** A path parameter that must be an ObjectId; undefined means "no such page". */
export function idParam(request: FastifyRequest, name: string): string | undefined {
  const value = text(request.params, name);
  return isObjectId(value) ? value : undefined;
}

/** Where to go after signing in: only a console path, never another site. */
export function safeNext(next: string): string {
  return /^\/console(\/[\w\-/.?=&%]*)?$/.test(next) && !next.startsWith('/console//')
    ? next
    : '/console/users';
}

/** Where a user starts: administrators on the users list, everyone else on their keys. */
export function homeOf(user: UserRecord): string {
  return mayAdminister(user) ? '/console/users' : '/console/keys';
}

/**
 * After sign-in: the page asked for, unless it is an administrator's and the user is not
 * one (the sign-in form's default is the users list), then their home.
 */
export function landingFor(user: UserRecord, next: string): string {
  const own =
    /^\/console\/(keys|profile|org-members)(\/|\?|$)/.test(next) ||
    /^\/console\/(orgs\/\w+\/api-keys|users\/\w+\/access-list)(\/|\?|$)/.test(next);
  return mayAdminister(user) || own ? next : homeOf(user);
}

// Every page shows the notice its redirect carried (`?notice=`), so no page can forget to.
export function frameOf(context: ConsoleContext, request: FastifyRequest): Frame {
  const signedIn = request.signedIn;
  const base = { assets: context.assets, notice: noticeFor(text(request.query, 'notice')) };
  return signedIn ? { ...base, user: signedIn.user, csrfToken: signedIn.session.csrfToken } : base;
}

/** The signed-in frame; protected routes run only after the sign-in check, so it exists. */
export function signedInFrame(
  context: ConsoleContext,
  request: FastifyRequest,
): Frame & { csrfToken: string } {
  const signedIn = request.signedIn;
  if (!signedIn) throw new Error('a protected console route ran without a session');
  return { ...frameOf(context, request), csrfToken: signedIn.session.csrfToken };
}

export function sendPage(reply: FastifyReply, status: number, page: Html): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(page.markup);
}

/** Post/Redirect/Get: a form's result is always a 303 to a page that can be reloaded. */
export function seeOther(reply: FastifyReply, location: string): FastifyReply {
  return reply.redirect(location, 303);
}

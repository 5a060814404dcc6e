import type { FastifyRequest } from 'fastify';
import { MAX_DESCRIPTION_LENGTH } from '../../domain/keys.js';
import type { UserRecord } from '../../domain/records.js';
import { baseUrl } from '../../http/links.js';
import type { KeyFilter } from '../../store/store.js';
import type { ConsoleContext } from '../context.js';
import type { Reveal } from '../key-reveals.js';
import { pageNum, text } from '../requests.js';
import { lastDays, perDay } from '../usage-chart.js';
import type { KeyList, RevealedKey } from '../views/keys.js';

export const KEYS_PER_PAGE = 25;

/** The list's filter from `?state=&q=`; anything unknown shows every key. */
export function keyFilter(request: FastifyRequest): KeyFilter {
  const state = text(request.query, 'state');
  return {
    state: state === 'enabled' || state === 'disabled' ? state : 'all',
    description: text(request.query, 'q').trim().slice(0, MAX_DESCRIPTION_LENGTH),
  };
}

/** The list's query for a filter and page, defaults left out: `?q=ci&pageNum=2`, or ''. */
function listQuery(filter: KeyFilter, n: number): string {
  const query = new URLSearchParams();
  if (filter.description) query.set('q', filter.description);
  if (filter.state !== 'all') query.set('state', filter.state);
  if (n > 1) query.set('pageNum', String(n));
  const text = query.toString();
  return text ? `?${text}` : '';
}

/**
 * The list view a key's action came from (its form's URL carries it), to return to after
 * the action: the same filter and page, rebuilt from known parameters only.
 */
export function keptListQuery(request: FastifyRequest): string {
  return listQuery(keyFilter(request), pageNum(request));
}

/**
 * One page of a user's keys as `?pageNum=&state=&q=` ask, newest first, with usage per day;
 * filtered and paged in the database. `listUrl` is the page showing it.
 */
export async function loadKeyList(
  context: ConsoleContext,
  request: FastifyRequest,
  user: UserRecord,
  listUrl: string,
): Promise<Omit<KeyList, 'highlight'>> {
  const { store, usage, maxKeysPerUser } = context.api;
  const filter = keyFilter(request);
  const n = pageNum(request);
  const found = await store.findKeys(user.id, filter, {
    offset: (n - 1) * KEYS_PER_PAGE,
    limit: KEYS_PER_PAGE,
    includeCount: true,
  });
  const days = lastDays(new Date());
  const ids = found.items.map((k) => k.id);
  const series = perDay(await store.dailyUsage(ids, days[0] ?? ''), ids, days);
  const keys = found.items.map((key) => {
    // Requests counted in memory but not yet flushed belong to today, as in usedCount.
    const live = usage.withUnflushed(key);
    const daily = series.get(key.id) ?? [];
    daily[daily.length - 1] = (daily.at(-1) ?? 0) + live.usedCount - key.usedCount;
    return { key: live, daily };
  });
  return {
    keys,
    days,
    now: Date.now(),
    filter,
    view: listQuery(filter, n),
    held: found.held,
    max: maxKeysPerUser,
    pager: {
      pageNum: n,
      itemsPerPage: KEYS_PER_PAGE,
      total: found.total ?? 0,
      href: (p) => `${listUrl}${listQuery(filter, p)}`,
    },
  };
}

/** What the one-time panel shows: the key, and its owner's key list in the API as clients reach it. */
export function revealedKey(
  context: ConsoleContext,
  request: FastifyRequest,
  user: UserRecord,
  reveal: Reveal,
): RevealedKey {
  const keysUrl = `${baseUrl(request, context.api.publicUrl)}/api/atlas/v1.0/users/${user.id}/keys`;
  return { key: reveal.key, username: user.username, keysUrl };
}

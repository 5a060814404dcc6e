import type { FastifyReply, FastifyRequest } from 'fastify';
import type { UserRecord } from '../../domain/records.js';
import type { Store } from '../../store/store.js';
import type { ConsoleContext } from '../context.js';
import { idParam, pageNum, sendPage, signedInFrame } from '../requests.js';
import { lastDays, perDay } from '../usage-chart.js';
import type { FormState } from '../views/forms.js';
import { userPage } from '../views/user.js';
import type { OrgOptions } from '../views/users.js';

const KEYS_PER_PAGE = 100;
/** Orgs offered in a form's select; past this many, forms ask for an org id instead. */
const ORGS_LISTED = 500;

/** What a form that picks an org needs: the first orgs, and how many there are. */
export async function orgOptions(store: Store): Promise<OrgOptions> {
  const page = await store.listOrgs({ offset: 0, limit: ORGS_LISTED, includeCount: true });
  return { orgs: page.items, orgsTotal: page.total ?? page.items.length };
}

/**
 * A user's page: their keys with usage, memberships and forms. Shown by GET, and again by
 * a refused POST with what was typed and what was wrong.
 */
export async function sendUserPage(
  context: ConsoleContext,
  request: FastifyRequest,
  reply: FastifyReply,
  user: UserRecord,
  status = 200,
  form: FormState = {},
): Promise<FastifyReply> {
  const { store, usage } = context.api;
  const n = pageNum(request);
  const days = lastDays(new Date());
  const [page, orgs, hash] = await Promise.all([
    store.listKeys(user.id, {
      offset: (n - 1) * KEYS_PER_PAGE,
      limit: KEYS_PER_PAGE,
      includeCount: true,
    }),
    orgOptions(store),
    store.getPasswordHash(user.username),
  ]);
  const stored = page.items;
  const series = perDay(
    await store.dailyUsage(
      stored.map((k) => k.id),
      days[0] ?? '',
    ),
    stored.map((k) => k.id),
    days,
  );
  const keys = stored.map((key) => {
    // Requests counted in memory but not yet flushed belong to today, as in usedCount.
    const live = usage.withUnflushed(key);
    const daily = series.get(key.id) ?? [];
    daily[daily.length - 1] = (daily.at(-1) ?? 0) + live.usedCount - key.usedCount;
    return { key: live, daily };
  });
  const signedIn = request.signedIn;
  const reveal = signedIn && (await context.reveals.take(signedIn.id, user.id));
  return sendPage(
    reply,
    status,
    userPage(signedInFrame(context, request), {
      user,
      hasPassword: hash !== undefined,
      ...orgs,
      keys,
      days,
      pager: {
        pageNum: n,
        itemsPerPage: KEYS_PER_PAGE,
        total: page.total ?? 0,
        href: (p) => `/console/users/${user.id}?pageNum=${p}`,
      },
      reveal,
      ...form,
    }),
  );
}

/** The user a `/users/:userId/…` path names, if the id is well formed and they exist. */
export async function userOf(
  context: ConsoleContext,
  request: FastifyRequest,
): Promise<UserRecord | undefined> {
  const userId = idParam(request, 'userId');
  return userId ? context.api.store.getUserById(userId) : undefined;
}

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { UserRecord } from '../../domain/records.js';
import type { Store } from '../../store/store.js';
import type { ConsoleContext } from '../context.js';
import type { Reveal } from '../key-reveals.js';
import { LINK_REVEAL_ID } from '../links.js';
import { idParam, pageNum, sendPage, signedInFrame } from '../requests.js';
import { lastDays, perDay } from '../usage-chart.js';
import type { FormState } from '../views/forms.js';
import type { IssuedLinkView } from '../views/link-panel.js';
import { myKeysPage } from '../views/my-keys.js';
import { type UserView, userPage } from '../views/user.js';
import type { OrgOptions } from '../views/users.js';

const KEYS_PER_PAGE = 100;
/** Orgs offered in a form's select; past this many, forms ask for an org id instead. */
const ORGS_LISTED = 500;

/** What a form that picks an org needs: the first orgs, and how many there are. */
export async function orgOptions(store: Store): Promise<OrgOptions> {
  const page = await store.listOrgs({ offset: 0, limit: ORGS_LISTED, includeCount: true });
  return { orgs: page.items, orgsTotal: page.total ?? page.items.length };
}

/** A page of the user's keys with their daily usage, and the key just generated if any. */
async function keyRows(
  context: ConsoleContext,
  request: FastifyRequest,
  user: UserRecord,
  href: (pageNum: number) => string,
): Promise<Pick<UserView, 'keys' | 'days' | 'pager'>> {
  const { store, usage } = context.api;
  const n = pageNum(request);
  const days = lastDays(new Date());
  const page = await store.listKeys(user.id, {
    offset: (n - 1) * KEYS_PER_PAGE,
    limit: KEYS_PER_PAGE,
    includeCount: true,
  });
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
  return {
    keys,
    days,
    pager: { pageNum: n, itemsPerPage: KEYS_PER_PAGE, total: page.total ?? 0, href },
  };
}

/**
 * What this session left to show once on the user's page: a new key, or (sealed the same
 * way) a console link just issued.
 */
async function pendingReveal(
  context: ConsoleContext,
  request: FastifyRequest,
  user: UserRecord,
): Promise<{ reveal?: Reveal; link?: IssuedLinkView }> {
  const signedIn = request.signedIn;
  const reveal = signedIn && (await context.reveals.take(signedIn.id, user.id));
  if (!reveal) return {};
  return reveal.keyId === LINK_REVEAL_ID ? { link: { url: reveal.key } } : { reveal };
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
  const { store } = context.api;
  const [rows, orgs, hash, pending] = await Promise.all([
    keyRows(context, request, user, (p) => `/console/users/${user.id}?pageNum=${p}`),
    orgOptions(store),
    store.getPasswordHash(user.username),
    pendingReveal(context, request, user),
  ]);
  return sendPage(
    reply,
    status,
    userPage(signedInFrame(context, request), {
      user,
      hasPassword: hash !== undefined,
      ...orgs,
      ...rows,
      ...pending,
      ...form,
    }),
  );
}

/** "My keys": the signed-in user's own keys, whoever they are. */
export async function sendMyKeysPage(
  context: ConsoleContext,
  request: FastifyRequest,
  reply: FastifyReply,
  status = 200,
  form: FormState = {},
): Promise<FastifyReply> {
  const frame = signedInFrame(context, request);
  const user = frame.user;
  if (!user) throw new Error('a protected console route ran without a user');
  const [rows, { reveal }] = await Promise.all([
    keyRows(context, request, user, (p) => `/console/keys?pageNum=${p}`),
    pendingReveal(context, request, user),
  ]);
  return sendPage(
    reply,
    status,
    myKeysPage(frame, {
      user,
      hasPassword: true,
      orgs: [],
      orgsTotal: 0,
      ...rows,
      ...(reveal ? { reveal } : {}),
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

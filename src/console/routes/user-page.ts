import type { FastifyReply, FastifyRequest } from 'fastify';
import type { UserRecord } from '../../domain/records.js';
import type { Store } from '../../store/store.js';
import type { ConsoleContext } from '../context.js';
import { isApiKeyReveal, type Reveal } from '../key-reveals.js';
import { LINK_REVEAL_ID } from '../links.js';
import { idParam, sendPage, signedInFrame } from '../requests.js';
import type { FormState } from '../views/forms.js';
import type { IssuedLinkView } from '../views/link-panel.js';
import { myKeysPage } from '../views/my-keys.js';
import { userPage } from '../views/user.js';
import type { OrgOptions } from '../views/users.js';
import { loadKeyList, revealedKey } from './key-list.js';

/** Orgs offered in a form's select; past this many, forms ask for an org id instead. */
const ORGS_LISTED = 500;

/** What a form that picks an org needs: the first orgs, and how many there are. */
export async function orgOptions(store: Store): Promise<OrgOptions> {
  const page = await store.listOrgs({ offset: 0, limit: ORGS_LISTED, includeCount: true });
  return { orgs: page.items, orgsTotal: page.total ?? page.items.length };
}

/**
 * What this session left to show once about `user`: a new key, or (sealed the same way) a
 * console link just issued.
 */
async function pendingReveal(
  context: ConsoleContext,
  request: FastifyRequest,
  user: UserRecord,
): Promise<{ reveal?: Reveal; link?: IssuedLinkView }> {
  const signedIn = request.signedIn;
  const reveal = signedIn && (await context.reveals.take(signedIn.id, user.id));
  // A programmatic key's reveal belongs to its own page: taken here (by a racing tab) it
  // is dropped, as a reveal nobody collects, never shown as a personal key.
  if (!reveal || isApiKeyReveal(reveal)) return {};
  return reveal.keyId === LINK_REVEAL_ID ? { link: { url: reveal.key } } : { reveal };
}

/** A page of `user`'s keys as listed at `listUrl`, with the key just generated, if any. */
async function keysWithReveal(
  context: ConsoleContext,
  request: FastifyRequest,
  user: UserRecord,
  listUrl: string,
  form: FormState,
) {
  const [keyList, { reveal, link }] = await Promise.all([
    loadKeyList(context, request, user, listUrl),
    pendingReveal(context, request, user),
  ]);
  return {
    keyList: { ...keyList, ...form, highlight: reveal?.keyId },
    ...(reveal ? { reveal: revealedKey(context, request, user, reveal) } : {}),
    ...(link ? { link } : {}),
  };
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
  const [keys, orgs, memberOf, hash] = await Promise.all([
    keysWithReveal(context, request, user, `/console/users/${user.id}`, form),
    orgOptions(store),
    store.getOrgs(user.orgRoles.map((m) => m.orgId)),
    store.getPasswordHash(user.username),
  ]);
  return sendPage(
    reply,
    status,
    userPage(signedInFrame(context, request), {
      user,
      hasPassword: hash !== undefined,
      ...orgs,
      memberOf,
      ...keys,
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
  const { keyList, reveal } = await keysWithReveal(context, request, user, '/console/keys', form);
  return sendPage(
    reply,
    status,
    myKeysPage(frame, { user, keyList, ...(reveal ? { reveal } : {}) }),
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

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { UserRecord } from '../../domain/records.js';
import type { Store } from '../../store/store.js';
import type { ConsoleContext } from '../context.js';
import { idParam, sendPage, signedInFrame } from '../requests.js';
import type { FormState } from '../views/forms.js';
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
  const listUrl = `/console/users/${user.id}`;
  const signedIn = request.signedIn;
  const [keyList, orgs, memberOf, hash, reveal] = await Promise.all([
    loadKeyList(context, request, user, listUrl),
    orgOptions(store),
    store.getOrgs(user.orgRoles.map((m) => m.orgId)),
    store.getPasswordHash(user.username),
    signedIn ? context.reveals.take(signedIn.id, user.id) : undefined,
  ]);
  return sendPage(
    reply,
    status,
    userPage(signedInFrame(context, request), {
      user,
      hasPassword: hash !== undefined,
      ...orgs,
      memberOf,
      keyList: { ...keyList, ...form, highlight: reveal?.keyId },
      ...(reveal ? { reveal: revealedKey(context, request, user, reveal) } : {}),
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

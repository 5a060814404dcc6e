import type { FastifyRequest } from 'fastify';
import {
  type AccessOwner,
  canonicalBlock,
  MAX_ACCESS_LIST_ENTRIES,
} from '../../domain/access-list.js';
import type { Revision } from '../../domain/records.js';
import { ApiError } from '../../http/errors.js';
import { blocksOf, tooManyEntries } from '../../http/routes/access-list.js';
import { MAX_ACCESS_COMMENT_LENGTH } from '../../http/schemas/access-list.js';
import type { ConsoleContext } from '../context.js';
import { fields, pageOfList, text } from '../requests.js';
import type { AccessListView } from '../views/access-list.js';
import type { FormState } from '../views/forms.js';

const ENTRIES_PER_PAGE = 50;

/** One access list as a console page edits it: whose, where its forms post, what a change drops. */
export interface ConsoleAccessOwner {
  readonly owner: AccessOwner;
  /** The list's form target: entries are added here and removed at `…/remove`. */
  readonly action: string;
  /** The page showing the list, for its pager. */
  readonly page: string;
  /** Drops whatever caches the owner's list (its credentials, by name). */
  changed(revision: Revision): void;
}

/** A page of the owner's list, with the uses counted in memory but not yet written. */
export async function loadAccessList(
  context: ConsoleContext,
  request: FastifyRequest,
  list: ConsoleAccessOwner,
  form: FormState = {},
): Promise<AccessListView> {
  const { store, accessUsage } = context.api;
  const { items, pager } = await pageOfList(
    request,
    ENTRIES_PER_PAGE,
    (page) => store.listAccessEntries(list.owner, page),
    (p) => `${list.page}?pageNum=${p}`,
  );
  return {
    entries: items.map((entry) => accessUsage.withUnflushed(list.owner, entry)),
    action: list.action,
    pager,
    ...form,
  };
}

const shown = (error: ApiError) => `${error.errorCode}: ${error.detail}`;

/**
 * Adds the form's address through the API's own checks (`blocksOf`), so a refusal has the
 * API's code and words. One field takes either form: with a `/` it is the API's
 * `cidrBlock`, without one its `ipAddress`.
 */
export async function addAccessEntry(
  context: ConsoleContext,
  request: FastifyRequest,
  list: ConsoleAccessOwner,
): Promise<{ readonly ok: true } | { readonly ok: false; readonly form: FormState }> {
  const values = fields(request.body, ['address', 'comment']);
  const address = values.address.trim();
  const refuse = (problems: Record<string, string>) => ({
    ok: false as const,
    form: { values, problems },
  });
  if (values.comment.length > MAX_ACCESS_COMMENT_LENGTH) {
    return refuse({ comment: `At most ${MAX_ACCESS_COMMENT_LENGTH} characters.` });
  }
  const comment = values.comment.trim() === '' ? undefined : values.comment;
  try {
    const input = address.includes('/') ? { cidrBlock: address } : { ipAddress: address };
    const entries = blocksOf([{ ...input, comment }]);
    const added = await context.api.store.addAccessEntries(
      list.owner,
      entries,
      MAX_ACCESS_LIST_ENTRIES,
    );
    if (!added.ok) throw tooManyEntries();
    list.changed(added.revision);
    return { ok: true };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return refuse({ address: shown(error) });
  }
}

/**
 * Removes the entry the form names. The API's CANNOT_REMOVE_CALLER_FROM_WHITELIST does not
 * apply here: it guards a caller whose own key the list gates, and a console session is
 * signed in with a password and never gated by any access list, so removing the entry
 * that matches the browser's address locks nobody out of this page (the API's rule, too,
 * asks only when the list gates the request's own principal). Already gone (another tab,
 * the CLI) is no error: the page shows how things stand.
 */
export async function removeAccessEntry(
  context: ConsoleContext,
  request: FastifyRequest,
  list: ConsoleAccessOwner,
): Promise<boolean> {
  const block = canonicalBlock(text(request.body, 'cidrBlock'));
  if (block === undefined) return false;
  const deleted = await context.api.store.deleteAccessEntry(list.owner, block);
  if (deleted.ok) list.changed(deleted.revision);
  return deleted.ok;
}

import type { FastifyInstance } from 'fastify';
import { mayAdminister } from '../../domain/access.js';
import { type AuditFilter, isAuditAction } from '../../domain/audit.js';
import { isObjectId } from '../../domain/ids.js';
import type { ConsoleContext } from '../context.js';
import { pageOfList, sendPage, signedInFrame, text } from '../requests.js';
import { activityPage } from '../views/activity.js';

const EVENTS_PER_PAGE = 50;

/** The audit trail: a GLOBAL_OWNER's of everyone, filterable by user; anyone else's own. */
export function activityRoutes(scope: FastifyInstance, context: ConsoleContext): void {
  const { store } = context.api;

  // Whose events the page lists: a name that matches nobody matches no event, not every one.
  const namedUserId = async (named: string) => {
    if (named === '' || isObjectId(named)) return named || undefined;
    return (await store.getUserByUsername(named))?.id ?? '';
  };

  scope.get('/activity', async (request, reply) => {
    const frame = signedInFrame(context, request);
    const me = request.signedIn?.user;
    if (!me) throw new Error('a protected console route ran without a session');
    const everyone = mayAdminister(me);
    const user = text(request.query, 'user').trim().slice(0, 256);
    const action = text(request.query, 'action');
    const userId = everyone ? await namedUserId(user) : me.id;
    const filter: AuditFilter = {
      ...(userId !== undefined && { userId }),
      ...(isAuditAction(action) && { action }),
    };
    const shown = { user: everyone ? user : '', action: isAuditAction(action) ? action : '' };
    const query = new URLSearchParams(Object.entries(shown).filter(([, v]) => v !== ''));
    const { items, pager } = await pageOfList(
      request,
      EVENTS_PER_PAGE,
      (page) => store.listAudit(filter, page),
      (p) => `/console/activity?${query.size ? `${query}&` : ''}pageNum=${p}`,
    );
    return sendPage(
      reply,
      200,
      activityPage(frame, { events: items, everyone, filter: shown, pager }),
    );
  });
}

import type { FastifyInstance } from 'fastify';
import { mayAdminister } from '../../domain/access.js';
import { type AuditFilter, isAuditAction } from '../../domain/audit.js';
import { isObjectId } from '../../domain/ids.js';
import type { ConsoleContext } from '../context.js';
import { pageNum, sendPage, signedInFrame, text } from '../requests.js';
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
    const n = pageNum(request);
    const found = await store.listAudit(filter, {
      offset: (n - 1) * EVENTS_PER_PAGE,
      limit: EVENTS_PER_PAGE,
      includeCount: true,
    });
    const shown = { user: everyone ? user : '', action: isAuditAction(action) ? action : '' };
    const query = new URLSearchParams(Object.entries(shown).filter(([, v]) => v !== ''));
    return sendPage(
      reply,
      200,
      activityPage(frame, {
        events: found.items,
        everyone,
        filter: shown,
        pager: {
          pageNum: n,
          itemsPerPage: EVENTS_PER_PAGE,
          total: found.total ?? 0,
          href: (p) => `/console/activity?${query.size ? `${query}&` : ''}pageNum=${p}`,
        },
      }),
    );
  });
}

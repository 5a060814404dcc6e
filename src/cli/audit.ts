import { Command, InvalidArgumentError, Option } from 'commander';
import { AUDIT_ACTIONS, type AuditFilter } from '../domain/audit.js';
import { actorText, originText, targetText } from '../domain/audit-text.js';
import { DURATION_HELP, parseDuration } from '../domain/expiry.js';
import { isObjectId } from '../domain/ids.js';
import type { Timestamp } from '../domain/records.js';
import { toTimestamp } from '../domain/time.js';
import type { Store } from '../store/store.js';
import { type CommonOptions, findUser, withCommonOptions, withStore } from './common.js';
import { table } from './output.js';

interface ListOptions extends CommonOptions {
  user?: string;
  since?: Timestamp;
  action?: AuditFilter['action'];
}

/** Events read per query: an export of any size streams in pages of this many. */
const PAGE = 1000;

/** `--since`: a duration back from now (`7d`), or a date or time (`2026-11-01`). */
function since(text: string): Timestamp {
  const back = parseDuration(text);
  if (back.ok) return toTimestamp(new Date(Date.now() - back.value));
  const at = /^\d{4}-\d{2}-\d{2}/.test(text) ? new Date(text) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime())) {
    throw new InvalidArgumentError(`expected ${DURATION_HELP}, or a date such as 2026-11-01`);
  }
  return toTimestamp(at);
}

// By id as well as by name: the trail outlives the users it names.
async function userIdOf(store: Store, user: string | undefined): Promise<string | undefined> {
  if (user === undefined || isObjectId(user)) return user;
  return (await findUser(store, user)).id;
}

async function filterOf(store: Store, options: ListOptions): Promise<AuditFilter> {
  const userId = await userIdOf(store, options.user);
  return {
    ...(userId && { userId }),
    ...(options.since && { since: options.since }),
    ...(options.action && { action: options.action }),
  };
}

export function auditCommand(): Command {
  const audit = new Command('audit').description('read the audit trail of every change');
  withCommonOptions(audit.command('list').description('list audit events, newest first'))
    .option('--user <name-or-id>', 'only events by or about this user (a deleted one by id)')
    .option('--since <when>', `only events since then: ${DURATION_HELP} ago, or a date`, since)
    .addOption(new Option('--action <action>', 'only this action').choices(AUDIT_ACTIONS))
    .action((options: ListOptions) =>
      withStore(options, async (store) => {
        const filter = await filterOf(store, options);
        const rows: string[][] = [['WHEN', 'WHO', 'FROM', 'ACTION', 'TARGETS', 'OUTCOME']];
        for (let after: AuditFilter['after']; ; ) {
          const { items } = await store.listAudit(after ? { ...filter, after } : filter, {
            offset: 0,
            limit: PAGE,
            includeCount: false,
          });
          // --json is JSON lines, one event a line, so an export of any size streams.
          if (options.json) {
            process.stdout.write(items.map((event) => `${JSON.stringify(event)}\n`).join(''));
          } else {
            for (const e of items) {
              rows.push([
                e.at,
                actorText(e.actor),
                originText(e.origin),
                e.action,
                targetText(e),
                e.outcome,
              ]);
            }
          }
          if (items.length < PAGE) break;
          after = items.at(-1);
        }
        if (!options.json) process.stdout.write(`${table(rows)}\n`);
      }),
    );
  return audit;
}

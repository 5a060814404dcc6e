import type { Migration, MigrationProvider } from 'kysely';
import { initial } from './0001-initial.js';
import { keyCount } from './0002-key-count.js';
import { dailyUsage } from './0003-daily-usage.js';
import { consoleSessions } from './0004-console-sessions.js';
import { consoleReveals } from './0005-console-reveals.js';
import { consoleIdle } from './0006-console-idle.js';
import { consoleLinks } from './0007-console-links.js';
import { orgApiKeys } from './0008-org-api-keys.js';
import { accessLists } from './0009-access-lists.js';
import { keyExpiry } from './0010-key-expiry.js';
import { auditEvents } from './0011-audit-events.js';

/**
 * Every migration, imported in code rather than found by scanning a folder, so they ship
 * inside dist/ and run from anywhere. Names sort in the order they apply; never rename one.
 */
const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-key-count': keyCount,
  '0003-daily-usage': dailyUsage,
  '0004-console-sessions': consoleSessions,
  '0005-console-reveals': consoleReveals,
  '0006-console-idle': consoleIdle,
  '0007-console-links': consoleLinks,
  '0008-org-api-keys': orgApiKeys,
  '0009-access-lists': accessLists,
  '0010-key-expiry': keyExpiry,
  '0011-audit-events': auditEvents,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};

import { AsyncLocalStorage } from 'node:async_hooks';
import type { AuditSource } from './audit.js';

// Who is acting travels with the async work of one request or one CLI run rather than as an
// argument: every write reaches the store through one of ~50 call sites in routes, domain
// functions and the CLI, and a parameter threaded through all of them would be one more
// thing a new write path could forget. The edges (src/http/plugins/audit-source.ts,
// src/console, src/cli/common.ts) set it once; the store reads it inside each write.
const scope = new AsyncLocalStorage<AuditSource>();

/** Runs `fn` (and everything it starts) as `source`. */
export function actingAs<T>(source: AuditSource, fn: () => T): T {
  return scope.run(source, fn);
}

/** The source of the change being made; `system` when no edge set one. */
export function currentAuditSource(): AuditSource {
  return scope.getStore() ?? { actor: { kind: 'system' }, origin: { channel: 'internal' } };
}

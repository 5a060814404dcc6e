import { AsyncLocalStorage } from 'node:async_hooks';
import type { AuditSource } from './audit.js';

// Who is acting travels with the async work of one request or one CLI run rather than as an
// argument: every write reaches the store through one of ~50 call sites in routes, domain
// functions and the CLI, and a parameter threaded through all of them would be one more
// thing a new write path could forget. The edges (src/http/plugins/audit-source.ts,
// src/console, src/cli/common.ts) set it once; the store reads it inside each write.
// The price: on Node 20 and 22 an AsyncLocalStorage in use turns on V8's promise hooks for
// the whole process (an await costs about twice as much in a micro-benchmark; no difference
// showed through a whole request on a loaded machine); Node 24 and later carry the context in
// AsyncContextFrame at almost no cost.
const scope = new AsyncLocalStorage<AuditSource>();

/** Runs `fn` (and everything it starts) as `source`. */
export function actingAs<T>(source: AuditSource, fn: () => T): T {
  return scope.run(source, fn);
}

/** The source of the change being made; `system` when no edge set one. */
export function currentAuditSource(): AuditSource {
  return scope.getStore() ?? { actor: { kind: 'system' }, origin: { channel: 'internal' } };
}

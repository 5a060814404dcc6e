import { Type } from '@sinclair/typebox';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import type { Api } from './api.js';

const HealthDocument = Type.Object(
  { status: Type.Literal('ok') },
  { description: 'The database answers' },
);

/** `/health`: liveness and readiness in one, since readiness is just "the database answers". */
export function healthRoutes(api: Api, context: ApiContext): void {
  const schema = { summary: 'Liveness and readiness', response: { 200: HealthDocument } };
  api.get('/health', { schema }, async () => {
    try {
      await context.store.ping();
    } catch {
      throw new ApiError('SERVICE_UNAVAILABLE', 'The database is not reachable.');
    }
    return { status: 'ok' as const };
  });
}

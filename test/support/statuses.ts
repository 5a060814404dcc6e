import type { LightMyRequestResponse } from 'fastify';

/** How many responses had each status: what concurrency tests compare. */
export function statuses(responses: readonly LightMyRequestResponse[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { statusCode } of responses) counts[statusCode] = (counts[statusCode] ?? 0) + 1;
  return counts;
}

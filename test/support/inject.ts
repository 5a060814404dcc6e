import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';

/**
 * `app.inject`, after a turn of the event loop. A request injected right after another can
 * complete without the loop ever reaching its timers: a loop of them (a property test)
 * starved the revision poll for seconds on a loaded machine, and the user cache, unconfirmed
 * past 3 s, answered 503 to everything, as it must. A request over a socket always passes
 * through the loop, so this is what a real client's request sees.
 */
export async function injectAsClient(
  app: FastifyInstance,
  options: InjectOptions,
): Promise<LightMyRequestResponse> {
  await new Promise((resolve) => setImmediate(resolve));
  return app.inject(options);
}

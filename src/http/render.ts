import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

// `pretty` and `envelope` apply to every JSON response, errors and 401s included, so they
// are read from the raw query rather than each route's validated one. Invalid values
// (`pretty=yes`) are still rejected by each route's query schema; here they just mean "not
// requested". Without either flag the route's compiled response schema serializes as usual.
//
// The serializer is swapped in the preSerialization hook, not when the request arrives:
// Fastify runs that hook only for an object about to become JSON, after `reply.send` has
// set `application/json; charset=utf-8` (a serializer set earlier makes send skip that),
// and never for a string, a Buffer or a stream, so HTML pages keep their own type and body.

interface RenderOptions {
  readonly pretty: boolean;
  readonly envelope: boolean;
}

export function renderOptions(request: FastifyRequest): RenderOptions {
  const query = request.query as Record<string, unknown> | undefined;
  return { pretty: query?.pretty === 'true', envelope: query?.envelope === 'true' };
}

function isList(payload: unknown): payload is Record<string, unknown> {
  return (
    typeof payload === 'object' && payload !== null && 'results' in payload && 'links' in payload
  );
}

/** Lists gain a `status` beside their fields; anything else becomes `{status, content}`. */
export function envelop(payload: unknown, status: number): unknown {
  return isList(payload) ? { ...payload, status } : { status, content: payload };
}

function serializerFor(reply: FastifyReply, options: RenderOptions) {
  return (payload: unknown): string => {
    const body = options.envelope ? envelop(payload, reply.statusCode) : payload;
    return JSON.stringify(body, null, options.pretty ? 2 : undefined);
  };
}

export function registerRenderer(app: FastifyInstance): void {
  app.addHook('preSerialization', (request, reply, payload, done) => {
    const options = renderOptions(request);
    if (options.pretty || options.envelope) reply.serializer(serializerFor(reply, options));
    done(null, payload);
  });
}

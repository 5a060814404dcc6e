import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

// `pretty` and `envelope` apply to every response, errors and 401s included, so they are
// read from the raw query before routing and validation. Invalid values (`pretty=yes`) are
// still rejected by each route's query schema; here they just mean "not requested".
// Without either flag the route's compiled response schema serializes as usual.

interface RenderOptions {
  readonly pretty: boolean;
  readonly envelope: boolean;
}

function renderOptions(request: FastifyRequest): RenderOptions {
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
  app.addHook('onRequest', (request, reply, done) => {
    const options = renderOptions(request);
    if (options.pretty || options.envelope) reply.serializer(serializerFor(reply, options));
    done();
  });
}

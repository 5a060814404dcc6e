import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curl, echoed, echoUpstream, forged, hostPort } from '../support/gateway-stack.js';
import { startCaddy } from '../support/proxies.js';

// keyward always sends all five X-Keyward-* headers (empty when there is nothing to say), and
// copy_headers copies them over a client's forgery. Caddy versions before 2.11.2 keep the
// client's own when the auth answer lacks one (2.6.2 sends its unresolved placeholder text
// instead): the documented request_header lines remove every client-sent X-Keyward-* before
// forward_auth runs, on any version. An auth service that allows everything and records what
// it was sent shows where the strip acts.
describe('Caddy 2.6: the documented strip', () => {
  let allowAll: Server;
  let upstream: Server;
  let authSaw: Record<string, unknown> = {};
  beforeAll(async () => {
    allowAll = createServer((req, res) => {
      authSaw = req.headers;
      res.end();
    });
    await new Promise<void>((resolve) => allowAll.listen(0, '127.0.0.1', resolve));
    upstream = await echoUpstream();
  });
  afterAll(async () => {
    await new Promise((resolve) => allowAll.close(resolve));
    await new Promise((resolve) => upstream.close(resolve));
  });

  it('removes client-sent identity headers before forward_auth; without it they remain', async () => {
    const to = { keyward: hostPort(allowAll), upstream: hostPort(upstream) };
    const seen = async (withoutStrip: boolean) => {
      const proxy = await startCaddy(to, withoutStrip);
      try {
        const result = await curl([...forged, `${proxy.url}/whoami`]);
        expect(result.status, proxy.log()).toBe(200);
        return {
          auth: authSaw['x-keyward-global-roles'],
          upstream: echoed(result.body).headers['x-keyward-global-roles'],
        };
      } finally {
        await proxy.stop();
      }
    };
    const placeholder = '{http.reverse_proxy.header.X-Keyward-Global-Roles}';
    expect(await seen(false)).toEqual({ auth: undefined, upstream: placeholder });
    expect(await seen(true)).toEqual({ auth: 'GLOBAL_OWNER', upstream: placeholder });
  });
});

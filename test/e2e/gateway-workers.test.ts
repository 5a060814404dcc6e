import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { echoUpstream, hostPort, run } from '../support/gateway-stack.js';
import { type RunningProxy, startNginx } from '../support/proxies.js';
import { type Fixture, startWithUser, storedKeys } from './fixture.js';

// The gateway on a spawned `keyward serve` with two workers behind nginx (upstream
// keepalive spreads auth calls over both): a client that reuses its nonce is accepted on
// whichever worker gets each call, once per nc, and every 200 is counted after a clean stop.
const SCRIPT = `
import json, sys, requests
from requests.auth import HTTPDigestAuth
s = requests.Session()
s.auth = HTTPDigestAuth(sys.argv[2], sys.argv[3])
codes = [s.get(sys.argv[1] + "/w/" + str(i)).status_code for i in range(20)]
auth = s.get(sys.argv[1] + "/again").request.headers["Authorization"]
replayed = requests.get(sys.argv[1] + "/again", headers={"Authorization": auth}).status_code
print(json.dumps({"codes": codes, "replayed": replayed}))
`;

describe('forward auth with two workers behind nginx', () => {
  let f: Fixture;
  let upstream: Server;
  let proxy: RunningProxy;
  beforeAll(async () => {
    f = await startWithUser(['--workers', '2', '--trust-proxy', 'loopback']);
    upstream = await echoUpstream();
    proxy = await startNginx({ keyward: new URL(f.server.url).host, upstream: hostPort(upstream) });
  }, 60_000);
  afterAll(async () => {
    await proxy?.stop();
    await new Promise((resolve) => upstream?.close(resolve));
    await f?.cleanup();
  });

  it('accepts each (nonce, nc) once across workers and counts every 200', async () => {
    const { stdout, stderr } = await run('/usr/bin/python3', [
      '-c',
      SCRIPT,
      proxy.url,
      f.username,
      f.key,
    ]);
    expect(stderr, proxy.log()).toBe('');
    const out = JSON.parse(stdout);
    expect(out.codes).toEqual(Array(20).fill(200));
    expect(out.replayed).toBe(401);
    expect(await f.server.stop()).toBe(0);
    // 20 requests and /again, each verified once.
    expect(storedKeys(f)[0]?.usedCount).toBe(21);
  });
});

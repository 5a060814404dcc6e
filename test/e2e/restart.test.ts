import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { digestAuthorization } from '../support/digest-client.js';
import { freePort } from '../support/embedded-postgres.js';
import { ServerProcess } from '../support/server-process.js';
import { curl, startWithUser } from './fixture.js';

/** The first WWW-Authenticate line (fetch joins several with ", "), with the status. */
async function get(url: string, authorization?: string) {
  const res = await fetch(url, authorization ? { headers: { authorization } } : {});
  const challenge = (res.headers.get('www-authenticate') ?? '').split(', Digest ')[0] ?? '';
  return { status: res.status, challenge };
}

// One requests.Session for the whole test, so it keeps its nonce across the restart as a
// long-running client would. Each line on stdin makes one GET; it prints the status and the
// statuses requests answered on its own before it (a 401 with stale=true as "401-stale").
const PYTHON_SESSION = `
import sys, requests
from requests.auth import HTTPDigestAuth
s = requests.Session()
s.auth = HTTPDigestAuth(sys.argv[2], sys.argv[3])
for _ in sys.stdin:
    r = s.get(sys.argv[1])
    seen = [str(h.status_code) + ('-stale' if 'stale=true' in h.headers.get('www-authenticate', '') else '') for h in r.history]
    print(' '.join([str(r.status_code)] + seen), flush=True)
`;

function pythonSession(url: string, username: string, key: string) {
  const child = spawn('/usr/bin/python3', ['-c', PYTHON_SESSION, url, username, key], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    async get(): Promise<string | undefined> {
      child.stdin.write('\n');
      return (await lines.next()).value;
    },
    close: () => child.stdin.end(),
  };
}

describe('a captured Authorization header and a restart', () => {
  it('is not accepted again by the next run on the same database: stale, and clients get in', async () => {
    const port = String(await freePort());
    const f = await startWithUser(['--port', port]);
    const path = `/api/atlas/v1.0/users/${f.userId}`;
    const python = pythonSession(`${f.server.url}${path}`, f.username, f.key);
    let next: ServerProcess | undefined;
    try {
      expect(await python.get()).toBe('200 401');
      expect(await python.get()).toBe('200');
      const { challenge } = await get(`${f.server.url}${path}`);
      const captured = digestAuthorization({
        username: f.username,
        password: f.key,
        method: 'GET',
        uri: path,
        challenge,
        nc: 1,
      });
      expect((await get(`${f.server.url}${path}`, captured)).status).toBe(200);

      expect(await f.server.stop()).toBe(0);
      next = await ServerProcess.start(['--port', port], f.server.database);
      // Within the nonce's lifetime its MAC still verifies under the stored secret; the new
      // process never saw its nc values, so it must not accept it, and says stale.
      for (let i = 0; i < 2; i++) {
        const replayed = await get(`${next.url}${path}`, captured);
        expect(replayed.status).toBe(401);
        expect(replayed.challenge).toMatch(/, stale=true$/);
      }
      // A client still holding a nonce of the last run retries once on its own.
      expect(await python.get()).toBe('200 401-stale');
      expect(await python.get()).toBe('200');
      expect(curl(['--digest', '-u', `${f.username}:${f.key}`, `${next.url}${path}`]).status).toBe(
        200,
      );
    } finally {
      python.close();
      await next?.stop();
      await f.cleanup();
    }
    // Five spawned processes (three CLI runs, two servers) and Python on a shared 2-core machine.
  }, 90_000);
});

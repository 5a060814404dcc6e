import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { ServerConfig } from '../../src/config.js';
import { createLogger, createService, type Service } from '../../src/service.js';
import { testConfig } from './api.js';

export interface LivePage {
  readonly status: number;
  readonly location: string | null;
  readonly body: string;
}

/**
 * A service on a real socket, with the logger `keyward serve` builds writing into `logs`.
 * Some faults show only there: after a response is sent on a socket, Fastify lets a handler
 * that awaited the reply run on, where `app.inject` never wakes it.
 */
export class LiveConsole {
  readonly logs: string[] = [];
  private readonly cookies = new Map<string, string>();
  private url = '';
  private folder = '';
  service!: Service;

  static async start(overrides: Partial<ServerConfig> = {}): Promise<LiveConsole> {
    const live = new LiveConsole();
    live.folder = mkdtempSync(join(tmpdir(), 'keyward-live-'));
    const config = testConfig(join(live.folder, 'keyward.db'), { logLevel: 'debug', ...overrides });
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        live.logs.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    live.service = await createService(config, createLogger(config.logLevel, sink));
    live.url = await live.service.app.listen({ host: '127.0.0.1', port: 0 });
    return live;
  }

  get token(): string {
    return this.service.consoleSetupToken ?? '';
  }

  /** The sign-in and setup forms' token, as the page's hidden field and its cookie carry it. */
  get formToken(): string {
    return this.cookies.get('keyward-form') ?? '';
  }

  /**
   * A form token of one's own making: it only proves a form came from a page of this
   * console, which anyone sending requests by hand can claim (it is no sign-in).
   */
  forgeFormToken(): void {
    this.cookies.set('keyward-form', 'f'.repeat(43));
  }

  get(path: string): Promise<LivePage> {
    return this.send('GET', path);
  }

  /** A form as a browser posts it, with the form token its last page carried. */
  post(path: string, form: Record<string, string>): Promise<LivePage> {
    return this.send('POST', path, new URLSearchParams(form).toString());
  }

  /** Signs in through the page's form, as a person would. */
  async signIn(username: string, password: string): Promise<LivePage> {
    await this.get('/console/sign-in');
    return this.post('/console/sign-in', { _form: this.formToken, username, password });
  }

  async close(): Promise<void> {
    await this.service.close();
    rmSync(this.folder, { recursive: true, force: true });
  }

  private async send(method: string, path: string, body?: string): Promise<LivePage> {
    const headers: Record<string, string> = {
      cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
    };
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(this.url + path, { method, headers, body, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [name = '', value = ''] = cookie.split(';')[0]?.split('=') ?? [];
      if (value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const page = { status: response.status, location: response.headers.get('location') };
    return { ...page, body: await response.text() };
  }
}

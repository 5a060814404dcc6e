import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { injectAsClient } from './inject.js';

/**
 * A browser's part in a console conversation, through `app.inject`: it keeps the cookies
 * the console sets and reads the hidden form tokens out of the pages it was given, so tests
 * can post forms as a person would, or leave a token out as a forger would.
 */
export class ConsoleClient {
  /** The last page's `_csrf` (signed in) and `_form` (sign-in, setup) tokens. */
  csrf = '';
  formToken = '';

  constructor(
    private readonly app: FastifyInstance,
    private readonly cookies = new Map<string, string>(),
    /** Sent with every request, e.g. the X-Forwarded-For of a client behind a proxy. */
    private readonly headers: Readonly<Record<string, string>> = {},
  ) {}

  /** The same browser talking to another instance (as behind a load balancer). */
  on(app: FastifyInstance): ConsoleClient {
    return new ConsoleClient(app, this.cookies, this.headers);
  }

  get(url: string): Promise<LightMyRequestResponse> {
    return this.send('GET', url);
  }

  /** Posts a form as `application/x-www-form-urlencoded`, exactly as given. */
  post(url: string, form: Record<string, string>): Promise<LightMyRequestResponse> {
    return this.send('POST', url, {
      contentType: 'application/x-www-form-urlencoded',
      payload: new URLSearchParams(form).toString(),
    });
  }

  /** Any request, with this client's cookies: for bodies no form would send. */
  async send(
    method: 'GET' | 'POST',
    url: string,
    body: { readonly contentType?: string; readonly payload?: string } = {},
  ): Promise<LightMyRequestResponse> {
    const headers = { ...this.headers, ...this.cookieHeader() };
    if (body.contentType !== undefined) headers['content-type'] = body.contentType;
    return this.remember(
      await injectAsClient(this.app, { method, url, headers, payload: body.payload }),
    );
  }

  /** Fetches the sign-in page for its form token, then signs in. */
  async signIn(username: string, password: string): Promise<LightMyRequestResponse> {
    await this.get('/console/sign-in');
    return this.post('/console/sign-in', { _form: this.formToken, username, password });
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  forget(name: string): void {
    this.cookies.delete(name);
  }

  private cookieHeader(): Record<string, string> {
    if (this.cookies.size === 0) return {};
    return {
      cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
    };
  }

  private remember(response: LightMyRequestResponse): LightMyRequestResponse {
    for (const cookie of response.cookies) {
      // A cleared cookie comes back empty and already expired.
      const expired = cookie.expires !== undefined && cookie.expires.getTime() <= Date.now();
      if (cookie.value === '' || expired) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    const page = response.body;
    this.csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? this.csrf;
    this.formToken = /name="_form" value="([^"]+)"/.exec(page)?.[1] ?? this.formToken;
    return response;
  }
}

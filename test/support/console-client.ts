import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/**
 * A browser's part in a console conversation, through `app.inject`: it keeps the cookies
 * the console sets and reads the hidden form tokens out of the pages it was given, so tests
 * can post forms as a person would, or leave a token out as a forger would.
 */
export class ConsoleClient {
  private readonly cookies = new Map<string, string>();
  /** The last page's `_csrf` (signed in) and `_form` (sign-in, setup) tokens. */
  csrf = '';
  formToken = '';

  constructor(private readonly app: FastifyInstance) {}

  async get(url: string): Promise<LightMyRequestResponse> {
    return this.remember(
      await this.app.inject({ method: 'GET', url, headers: this.cookieHeader() }),
    );
  }

  /** Posts a form as `application/x-www-form-urlencoded`, exactly as given. */
  async post(url: string, form: Record<string, string>): Promise<LightMyRequestResponse> {
    return this.remember(
      await this.app.inject({
        method: 'POST',
        url,
        headers: {
          ...this.cookieHeader(),
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: new URLSearchParams(form).toString(),
      }),
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

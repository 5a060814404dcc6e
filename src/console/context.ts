import type { ApiContext } from '../http/context.js';
import type { ConsoleAssets } from './assets.js';
import type { KeyReveals } from './key-reveals.js';
import type { ConsoleSessions, SignedIn } from './sessions.js';
import type { SetupGate } from './setup-token.js';

/** What the console's routes need; built by `registerConsole`. */
export interface ConsoleContext {
  /** The same store, caches, usage counter and throttle the API uses. */
  readonly api: ApiContext;
  readonly sessions: ConsoleSessions;
  readonly reveals: KeyReveals;
  readonly assets: ConsoleAssets;
  readonly cookies: CookieNames & { readonly secure: boolean };
  /** Opens /console/setup while nobody can sign in; printed by `keyward serve`. */
  readonly setupToken: SetupGate;
}

export interface CookieNames {
  readonly session: string;
  /** The sign-in and setup forms' token (there is no session yet to hold one). */
  readonly form: string;
}

/** `__Host-` cookies must be Secure, so the prefix is used only behind https. */
export function cookieNames(secure: boolean): CookieNames {
  const prefix = secure ? '__Host-' : '';
  return { session: `${prefix}keyward-session`, form: `${prefix}keyward-form` };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in administrator on the console's protected pages. */
    signedIn: SignedIn | undefined;
  }
}

import type { UserRecord } from '../domain/records.js';
import { toTimestamp } from '../domain/time.js';
import type { ConsoleSession, Store } from '../store/store.js';
import { randomToken, sha256Hex } from './tokens.js';

export interface SessionOptions {
  /** From sign-in to the end, however busy. */
  readonly lifetimeMs: number;
  /** Without a request for this long, the session ends. */
  readonly idleMs: number;
  readonly now?: () => number;
}

// Recording every request's time would be a write per page view; a minute's precision is
// plenty for an idle limit counted in minutes.
const TOUCH_EVERY_MS = 60_000;

/** A signed-in user, as each console request sees them (roles read afresh each time). */
export interface SignedIn {
  /** The cookie's session id: it also seals this session's key reveals. */
  readonly id: string;
  readonly session: ConsoleSession;
  readonly user: UserRecord;
}

/**
 * Console sign-ins, kept in the database so they survive restarts and work across
 * instances. The cookie carries a random id; the store sees only its SHA-256. Sessions end
 * at a fixed time after sign-in, after a spell without requests, on sign-out, and when the
 * password changes.
 */
export class ConsoleSessions {
  private readonly now: () => number;

  constructor(
    private readonly store: Store,
    private readonly options: SessionOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  get lifetimeSeconds(): number {
    return Math.floor(this.options.lifetimeMs / 1000);
  }

  /** Starts a session; the returned id goes into the cookie and nowhere else. */
  async start(user: UserRecord): Promise<string> {
    const id = randomToken();
    const now = this.now();
    await this.store.createConsoleSession({
      idHash: sha256Hex(id),
      userId: user.id,
      csrfToken: randomToken(),
      createdAt: toTimestamp(new Date(now)),
      expiresAt: toTimestamp(new Date(now + this.options.lifetimeMs)),
      lastSeenAt: toTimestamp(new Date(now)),
    });
    return id;
  }

  /** The session for a cookie's id, if it is live and its user still exists. */
  async resume(id: string | undefined): Promise<SignedIn | undefined> {
    if (!id) return undefined;
    const session = await this.store.findConsoleSession(sha256Hex(id));
    const now = this.now();
    if (!session || !this.live(session, now)) return undefined;
    const user = await this.store.getUserById(session.userId);
    if (!user) return undefined;
    if (now - Date.parse(session.lastSeenAt) >= TOUCH_EVERY_MS) {
      await this.store.touchConsoleSession(session.idHash, toTimestamp(new Date(now)));
    }
    return { id, session, user };
  }

  async end(id: string | undefined): Promise<void> {
    if (id) await this.store.deleteConsoleSession(sha256Hex(id));
  }

  /** Drops expired sessions; run now and then, since expired ones are already refused. */
  prune(): Promise<number> {
    const now = this.now();
    return this.store.deleteExpiredConsoleSessions(
      toTimestamp(new Date(now)),
      toTimestamp(new Date(now - this.options.idleMs)),
    );
  }

  private live(session: ConsoleSession, now: number): boolean {
    return (
      session.expiresAt > toTimestamp(new Date(now)) &&
      Date.parse(session.lastSeenAt) + this.options.idleMs > now
    );
  }
}

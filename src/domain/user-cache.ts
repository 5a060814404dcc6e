import type { Credentials } from '../store/store.js';
import { LocalRevisions } from './local-revisions.js';
import { ownCopy } from './own-copy.js';
import type {
  ApiKeyRecord,
  KeyCredential,
  ObjectId,
  Page,
  PageRequest,
  Revision,
} from './records.js';
import { MAX_USERNAME_LENGTH } from './users.js';

export interface UserSource {
  loadCredentials(username: string): Promise<Credentials | undefined>;
  listKeys(userId: ObjectId, page: PageRequest): Promise<Page<ApiKeyRecord>>;
  credentialsRevision(): Promise<number>;
}

// Longer names cannot exist: unknown without a lookup, and never held (their size is the
// sender's choice).
const TOO_LONG = { credentials: undefined } as const;

export interface UserCacheOptions {
  readonly maxUsers: number;
  readonly maxKeysPerList: number;
  /**
   * How old the latest answered revision read may be before the cache is unconfirmed
   * (`confirmed()`): longer than this, a change by another process may be unseen.
   */
  readonly confirmWithinMs: number;
  /** A monotonic clock in milliseconds. */
  readonly now: () => number;
}

const DEFAULTS: UserCacheOptions = {
  maxUsers: 10_000,
  maxKeysPerList: 1000,
  confirmWithinMs: 3000,
  now: () => performance.now(),
};

interface Entry {
  readonly credentials: Credentials | undefined;
  /** The user's keys as stored, loaded on the first list; `null` when too many to hold. */
  keys?: Promise<readonly ApiKeyRecord[] | null>;
}

/**
 * What the hot path needs per Digest username (a user's, or a programmatic key's public key,
 * whose entry holds its one HA1 set and no key list), in memory: the enabled HA1 set (every authenticated
 * request) and the key list (every list request), so neither reads the database. Unknown
 * usernames are cached too (a flood of made-up names must not become a flood of queries),
 * and the map is bounded.
 *
 * An entry is dropped when:
 * - this process changes the user's keys or roles (`invalidate`, with the revision the write
 *   produced);
 * - usage counts for one of the user's keys were written (`invalidateKeys`): only the key
 *   list goes, so the next list shows the stored counts (at most one list reload per active
 *   user per flush interval) while the HA1 set, which usage cannot change, stays;
 * - anyone else (the CLI, another instance) changed users or keys: `refresh` found a revision
 *   this process did not produce, or produced but has not applied yet. Their changes take
 *   effect within one poll interval (plus the poll's own latency).
 * A load that was overtaken by an invalidation is returned but not kept.
 */
export class UserCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Credentials | undefined>>();
  private readonly ownerOfKey = new Map<ObjectId, string>();
  /** This process's own writes, told apart from everyone else's by their revisions. */
  private readonly revisions = new LocalRevisions();
  private pollsStarted = 0;
  private pollAnswered = 0;
  private generation = 0;
  /** When the latest answered revision read started; none yet, so unconfirmed. */
  private confirmedAt = Number.NEGATIVE_INFINITY;
  private readonly options: UserCacheOptions;

  constructor(
    private readonly source: UserSource,
    options: Partial<UserCacheOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** The cached entry, if any: lets the hot path stay synchronous. */
  peek(username: string): { readonly credentials: Credentials | undefined } | undefined {
    if (username.length > MAX_USERNAME_LENGTH) return TOO_LONG;
    return this.entries.get(username);
  }

  async credentials(username: string): Promise<Credentials | undefined> {
    const cached = this.peek(username);
    if (cached) return cached.credentials;
    let pending = this.loading.get(username);
    if (!pending) {
      pending = this.load(username).finally(() => this.loading.delete(username));
      this.loading.set(username, pending);
    }
    return pending;
  }

  /** Loads the user again, whatever is cached: another process may have changed it since. */
  reload(username: string): Promise<Credentials | undefined> {
    if (username.length > MAX_USERNAME_LENGTH) return Promise.resolve(undefined);
    this.drop(username);
    return this.credentials(username);
  }

  /**
   * All of a user's keys in creation order, or undefined when the user is not cached or
   * holds more keys than a list entry keeps (the caller then pages in the database).
   */
  async keys(username: string): Promise<readonly ApiKeyRecord[] | undefined> {
    const entry = this.entries.get(username);
    const credentials = entry?.credentials;
    if (!entry || !credentials || !('user' in credentials)) return undefined;
    const { user } = credentials;
    entry.keys ??= this.loadKeys(user.id);
    return (await entry.keys) ?? undefined;
  }

  /** This process's write, which produced `revision`, changed the user's keys or roles. */
  invalidate(username: string, revision: Revision): void {
    this.drop(username);
    this.revisions.applied(revision);
  }

  /** This process's write may have touched any number of users (an org's members). */
  invalidateAll(revision: Revision): void {
    this.clear();
    this.revisions.applied(revision);
  }

  /**
   * This process created a key (one store write): extend the entry in place rather than
   * reload it, since a reload reads every key the user holds. Copy-on-write, because a
   * request being verified may hold the old credentials. The entry may already hold the key
   * when it was loaded between the commit and this call (a slow commit reply).
   */
  addKey(
    username: string,
    credential: KeyCredential,
    record: ApiKeyRecord,
    revision: Revision,
  ): void {
    this.generation++;
    this.revisions.applied(revision);
    const entry = this.entries.get(username);
    if (!entry?.credentials) return;
    const held = entry.credentials.keys.some((key) => key.keyId === credential.keyId);
    const credentials = held
      ? entry.credentials
      : { ...entry.credentials, keys: [...entry.credentials.keys, credential] };
    const keys = entry.keys?.then((list) =>
      list && !list.some((key) => key.id === record.id) ? [...list, record] : list,
    );
    this.entries.set(username, keys ? { credentials, keys } : { credentials });
    this.ownerOfKey.set(credential.keyId, username);
  }

  private drop(username: string): void {
    this.generation++;
    const entry = this.entries.get(username);
    if (!entry) return;
    this.entries.delete(username);
    for (const key of entry.credentials?.keys ?? []) this.ownerOfKey.delete(key.keyId);
  }

  /** Usage counts of these keys were written: their owners' key lists are stale, not their HA1s. */
  invalidateKeys(keyIds: Iterable<ObjectId>): void {
    for (const keyId of keyIds) {
      const owner = this.ownerOfKey.get(keyId);
      const entry = owner === undefined ? undefined : this.entries.get(owner);
      if (entry) entry.keys = undefined;
    }
  }

  /**
   * Drops everything unless every write since the last poll is one of ours already applied
   * (src/domain/local-revisions.ts). A clear comes after the read that saw a foreign
   * revision, so every load kept after it (`generation`) started after that write committed.
   */
  async refresh(): Promise<void> {
    const poll = ++this.pollsStarted;
    const started = this.options.now();
    const current = await this.source.credentialsRevision();
    // Polls may overlap (a slow database): a later poll's answer already covers this one.
    if (poll < this.pollAnswered) return;
    this.pollAnswered = poll;
    // After a lapse the cache starts over, whatever the revisions say.
    const lapsed = !this.confirmed(started);
    this.confirmedAt = started;
    if (!this.revisions.advance(current) || lapsed) this.clear();
  }

  /**
   * True while the latest answered revision read started within `confirmWithinMs`: every
   * change committed before then is reflected. When false, a key revoked elsewhere may still
   * be cached, so callers must not authenticate from the cache (fail closed).
   */
  confirmed(now = this.options.now()): boolean {
    return now - this.confirmedAt <= this.options.confirmWithinMs;
  }

  private clear(): void {
    this.generation++;
    this.entries.clear();
    this.ownerOfKey.clear();
  }

  private async load(username: string): Promise<Credentials | undefined> {
    const generation = this.generation;
    const credentials = await this.source.loadCredentials(username);
    if (generation === this.generation) this.remember(username, { credentials });
    return credentials;
  }

  private async loadKeys(userId: ObjectId): Promise<readonly ApiKeyRecord[] | null> {
    const limit = this.options.maxKeysPerList;
    const page = await this.source.listKeys(userId, {
      offset: 0,
      limit: limit + 1,
      includeCount: false,
    });
    return page.items.length > limit ? null : page.items;
  }

  private remember(name: string, entry: Entry): void {
    const username = ownCopy(name);
    if (this.entries.size >= this.options.maxUsers) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.drop(oldest.value);
    }
    this.entries.set(username, entry);
    for (const key of entry.credentials?.keys ?? []) this.ownerOfKey.set(key.keyId, username);
  }
}

import type { UserCredentials } from '../store/store.js';
import type { ApiKeyRecord, KeyCredential, ObjectId, Page, PageRequest } from './records.js';

export interface UserSource {
  loadCredentials(username: string): Promise<UserCredentials | undefined>;
  listKeys(userId: ObjectId, page: PageRequest): Promise<Page<ApiKeyRecord>>;
  credentialsRevision(): Promise<number>;
}

interface Entry {
  readonly credentials: UserCredentials | undefined;
  /** The user's keys as stored, loaded on the first list; `null` when too many to hold. */
  keys?: Promise<readonly ApiKeyRecord[] | null>;
}

/**
 * What the hot path needs per user, in memory: the enabled HA1 set (every authenticated
 * request) and the key list (every list request), so neither reads the database. Unknown
 * usernames are cached too (a flood of made-up names must not become a flood of queries),
 * and the map is bounded.
 *
 * An entry is dropped when:
 * - this process changes the user's keys (`invalidate`);
 * - usage counts for one of the user's keys were written (`invalidateKeys`): only the key
 *   list goes, so the next list shows the stored counts (at most one list reload per active
 *   user per flush interval) while the HA1 set, which usage cannot change, stays;
 * - anyone else (the CLI, another instance) changed users or keys: the store's revision,
 *   polled by `refresh`, moved. Their changes take effect within one poll interval.
 * A load that was overtaken by an invalidation is returned but not kept.
 */
export class UserCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<UserCredentials | undefined>>();
  private readonly ownerOfKey = new Map<ObjectId, string>();
  private revision: number | undefined;
  /** Changes this process made (and reported) since the last poll: one revision bump each. */
  private localChanges = 0;
  private generation = 0;

  constructor(
    private readonly source: UserSource,
    private readonly options: { maxUsers: number; maxKeysPerList: number } = {
      maxUsers: 10_000,
      maxKeysPerList: 1000,
    },
  ) {}

  /** The cached entry, if any: lets the hot path stay synchronous. */
  peek(username: string): { readonly credentials: UserCredentials | undefined } | undefined {
    return this.entries.get(username);
  }

  async credentials(username: string): Promise<UserCredentials | undefined> {
    const cached = this.entries.get(username);
    if (cached) return cached.credentials;
    let pending = this.loading.get(username);
    if (!pending) {
      pending = this.load(username).finally(() => this.loading.delete(username));
      this.loading.set(username, pending);
    }
    return pending;
  }

  /**
   * All of a user's keys in creation order, or undefined when the user is not cached or
   * holds more keys than a list entry keeps (the caller then pages in the database).
   */
  async keys(username: string): Promise<readonly ApiKeyRecord[] | undefined> {
    const entry = this.entries.get(username);
    const user = entry?.credentials?.user;
    if (!entry || !user) return undefined;
    entry.keys ??= this.loadKeys(user.id);
    return (await entry.keys) ?? undefined;
  }

  /** This process changed the user's keys (one store write, one revision bump). */
  invalidate(username: string): void {
    this.localChanges++;
    this.drop(username);
  }

  /** This process made one store write that may touch any number of users (an org's members). */
  invalidateAll(): void {
    this.localChanges++;
    this.clear();
  }

  /**
   * This process created a key (one store write): extend the entry in place rather than
   * reload it, since a reload reads every key the user holds. Copy-on-write, because a
   * request being verified may hold the old credentials.
   */
  addKey(username: string, credential: KeyCredential, record: ApiKeyRecord): void {
    this.localChanges++;
    this.generation++;
    const entry = this.entries.get(username);
    if (!entry?.credentials) return;
    const credentials = { ...entry.credentials, keys: [...entry.credentials.keys, credential] };
    const keys = entry.keys?.then((list) => (list ? [...list, record] : null));
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
   * Drops everything when someone else changed users or keys since the last call. The
   * revision moves by one per write; when it moved by exactly the number of changes this
   * process reported, they were all ours and the cache already reflects them.
   */
  async refresh(): Promise<void> {
    const local = this.localChanges;
    const revision = await this.source.credentialsRevision();
    if (this.revision !== undefined && revision !== this.revision + local) this.clear();
    this.revision = revision;
    this.localChanges -= local;
  }

  private clear(): void {
    this.generation++;
    this.entries.clear();
    this.ownerOfKey.clear();
  }

  private async load(username: string): Promise<UserCredentials | undefined> {
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

  private remember(username: string, entry: Entry): void {
    if (this.entries.size >= this.options.maxUsers) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.drop(oldest.value);
    }
    this.entries.set(username, entry);
    for (const key of entry.credentials?.keys ?? []) this.ownerOfKey.set(key.keyId, username);
  }
}

import type { UserCredentials } from '../store/store.js';

export interface CredentialSource {
  loadCredentials(username: string): Promise<UserCredentials | undefined>;
  credentialsRevision(): Promise<number>;
}

interface Entry {
  readonly value: UserCredentials | undefined;
}

/**
 * Keeps each user's enabled HA1 set in memory so an authenticated request reads nothing
 * from the database. Unknown usernames are cached too (a flood of made-up names must not
 * become a flood of queries), and the map is bounded.
 *
 * Invalidation: changes made through this process call `invalidate` at once; changes made
 * by anyone else (the CLI, another instance) bump the store's credentials revision, which
 * `refresh` polls, so they take effect within one poll interval.
 */
export class CredentialCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<UserCredentials | undefined>>();
  private revision: number | undefined;

  constructor(
    private readonly source: CredentialSource,
    private readonly maxEntries = 10_000,
  ) {}

  /** The cached value, if any: lets the hot path stay synchronous. */
  peek(username: string): Entry | undefined {
    return this.entries.get(username);
  }

  async get(username: string): Promise<UserCredentials | undefined> {
    const cached = this.entries.get(username);
    if (cached) return cached.value;
    const pending = this.loading.get(username);
    if (pending) return pending;
    const load = this.load(username);
    this.loading.set(username, load);
    try {
      return await load;
    } finally {
      this.loading.delete(username);
    }
  }

  invalidate(username: string): void {
    this.entries.delete(username);
  }

  /** Drops everything when someone else changed users or keys since the last call. */
  async refresh(): Promise<void> {
    const revision = await this.source.credentialsRevision();
    if (this.revision !== undefined && revision !== this.revision) this.entries.clear();
    this.revision = revision;
  }

  private async load(username: string): Promise<UserCredentials | undefined> {
    const revision = this.revision;
    const value = await this.source.loadCredentials(username);
    // A refresh that cleared the cache while we were loading may have made this stale.
    if (revision === this.revision) this.remember(username, { value });
    return value;
  }

  private remember(username: string, entry: Entry): void {
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(username, entry);
  }
}

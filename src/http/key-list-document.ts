import { obfuscateKey } from '../domain/keys.js';
import type { ApiKeyRecord, ObjectId, Timestamp } from '../domain/records.js';
import { latest } from '../domain/time.js';
import { pageLinks } from './links.js';
import type { ListQuery } from './schemas/common.js';

/** Counts this process has not written yet (UsageCounter.unflushed). */
export type Unflushed = (keyId: ObjectId) =>
  | {
      readonly count: number;
      readonly lastUsed: Timestamp;
      readonly source?: { readonly address: string; readonly userAgent?: string | undefined };
    }
  | undefined;

export type PageQuery = Pick<ListQuery, 'pageNum' | 'itemsPerPage' | 'includeCount'>;

interface KeyParts {
  readonly key: ApiKeyRecord;
  /** `{"createdAt":…,"id":"…"` */
  readonly head: string;
  /** `,"obfuscatedKey":"…","usedCount":` */
  readonly middle: string;
  /** `,"userId":"…"}` */
  readonly tail: string;
}

interface Template {
  /** `{"links":[…],"results":[` */
  readonly head: string;
  readonly keys: readonly KeyParts[];
  /** `],"totalCount":N}` or `]}` */
  readonly tail: string;
}

// A user's own key list is asked for on every request of a polling client. What only a
// change of the key set or of the stored counts can alter is serialized once per (list,
// page, address); a request then only adds each key's counts not yet written, which change
// with every authentication. The bytes are the ApiKeyList schema's: fields in the same
// order, strings escaped by JSON.stringify as the schema serializer does.
const MAX_PAGES_PER_LIST = 16;

function keyParts(key: ApiKeyRecord): KeyParts {
  const s = JSON.stringify;
  return {
    key,
    head: `{"createdAt":${s(key.createdAt)},"description":${s(key.description)},"enabled":${key.enabled}${key.expiresAt === undefined ? '' : `,"expiresAt":${s(key.expiresAt)}`},"id":${s(key.id)}`,
    middle: `,"obfuscatedKey":${s(obfuscateKey(key.suffix))},"usedCount":`,
    tail: `,"userId":${s(key.userId)}}`,
  };
}

function template(list: readonly ApiKeyRecord[], href: string, query: PageQuery): Template {
  const { pageNum, itemsPerPage } = query;
  const offset = (pageNum - 1) * itemsPerPage;
  const page = list.slice(offset, offset + itemsPerPage);
  const hasNext = list.length > offset + itemsPerPage;
  const links = pageLinks(href, { pageNum, itemsPerPage, hasNext });
  return {
    head: `{"links":${JSON.stringify(links)},"results":[`,
    keys: page.map(keyParts),
    tail: query.includeCount === 'false' ? ']}' : `],"totalCount":${list.length}}`,
  };
}

/** `,"lastUsedAddress":…,"lastUsedUserAgent":…`: this process's latest use, else the stored one. */
function whereUsed(
  key: ApiKeyRecord,
  source: { readonly address: string; readonly userAgent?: string | undefined } | undefined,
): string {
  const address = source ? source.address : key.lastUsedAddress;
  const agent = source ? source.userAgent : key.lastUsedUserAgent;
  const s = JSON.stringify;
  return `${address === undefined ? '' : `,"lastUsedAddress":${s(address)}`}${agent === undefined ? '' : `,"lastUsedUserAgent":${s(agent)}`}`;
}

/**
 * The JSON of one page of a list held in memory (UserCache.keys), as the route's schema
 * would serialize it, with this process's unflushed counts added. Templates are kept per
 * list array: the cache hands out a new array whenever the keys or their stored counts
 * change (a write, a usage flush, another process's change), so a stale one is never used.
 */
export class KeyListDocuments {
  private readonly templates = new WeakMap<readonly ApiKeyRecord[], Map<string, Template>>();

  render(list: readonly ApiKeyRecord[], href: string, query: PageQuery, unflushed: Unflushed) {
    let pages = this.templates.get(list);
    if (!pages) {
      pages = new Map();
      this.templates.set(list, pages);
    }
    const id = `${query.pageNum} ${query.itemsPerPage} ${query.includeCount} ${href}`;
    let page = pages.get(id);
    if (!page) {
      page = template(list, href, query);
      // Bounded: the href comes from the Host header, which the client chooses.
      if (pages.size >= MAX_PAGES_PER_LIST) pages.clear();
      pages.set(id, page);
    }
    let json = page.head;
    for (let i = 0; i < page.keys.length; i++) {
      const { key, head, middle, tail } = page.keys[i]!;
      const pending = unflushed(key.id);
      const lastUsed = pending ? latest(pending.lastUsed, key.lastUsed) : key.lastUsed;
      const used = pending ? key.usedCount + pending.count : key.usedCount;
      json += `${i === 0 ? '' : ','}${head}${lastUsed === undefined ? '' : `,"lastUsed":${JSON.stringify(lastUsed)}`}${whereUsed(key, pending?.source)}${middle}${used}${tail}`;
    }
    return json + page.tail;
  }
}

import type { ServerConfig } from '../config.js';
import { type PublicUrl, parsePublicUrl } from '../http/public-url.js';
import type { Store } from '../store/store.js';

// `serve --public-url` is the address clients use; the CLI, run later and often elsewhere,
// would otherwise print links to its own default. The server leaves it in the database.
const SETTING = 'public_url';

/** Remembers this server's --public-url, or forgets an older one when it has none. */
export async function recordPublicUrl(store: Store, config: ServerConfig): Promise<void> {
  await store.setSetting(SETTING, config.publicUrl?.base ?? '');
}

/** The --public-url a server last started with, if it had one. */
export async function storedPublicUrl(store: Store): Promise<PublicUrl | undefined> {
  const stored = await store.getSetting(SETTING);
  if (!stored) return undefined;
  const parsed = parsePublicUrl(stored);
  return parsed.ok ? parsed.value : undefined;
}

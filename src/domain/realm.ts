import { DEFAULT_REALM } from '../config.js';
import type { Outcome } from './records.js';

interface SettingsStore {
  setSettingIfAbsent(name: string, value: string): Promise<string>;
}

/**
 * The realm is part of every stored HA1, so it is a property of the database: stored on
 * first use and fixed afterwards. Asking for another one is an error, not a silent switch
 * that would lock every user out.
 */
export async function resolveRealm(
  store: SettingsStore,
  requested: string | undefined,
): Promise<Outcome<string, 'realm-fixed'>> {
  const stored = await store.setSettingIfAbsent('realm', requested ?? DEFAULT_REALM);
  if (requested !== undefined && requested !== stored) return { ok: false, error: 'realm-fixed' };
  return { ok: true, value: stored };
}

export function realmFixedMessage(stored: string): string {
  return `this database's Digest realm is "${stored}" and every key is bound to it; omit --realm or use a new database`;
}

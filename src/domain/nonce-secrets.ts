import { randomBytes } from 'node:crypto';

interface SettingsStore {
  getSetting(name: string): Promise<string | undefined>;
  setSettingIfAbsent(name: string, value: string): Promise<string>;
  setSetting(name: string, value: string): Promise<void>;
}

const CURRENT = 'nonce_secret';
const PREVIOUS = 'nonce_secret_previous';

const fresh = () => randomBytes(32).toString('hex');

/**
 * The HMAC secrets for Digest nonces, newest first. Stored in the database so every
 * instance on it signs and verifies alike; created on first use.
 */
export async function loadNonceSecrets(store: SettingsStore): Promise<Buffer[]> {
  const current = await store.setSettingIfAbsent(CURRENT, fresh());
  const previous = await store.getSetting(PREVIOUS);
  return [current, previous].filter((s): s is string => !!s).map((s) => Buffer.from(s, 'hex'));
}

/**
 * A new signing secret; the old one still verifies, so nonces in flight stay good. Servers
 * read the secrets when they start: restart them (one at a time) after rotating.
 */
export async function rotateNonceSecret(store: SettingsStore): Promise<void> {
  const current = await store.setSettingIfAbsent(CURRENT, fresh());
  await store.setSetting(PREVIOUS, current);
  await store.setSetting(CURRENT, fresh());
}

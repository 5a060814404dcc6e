import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

// Console passwords (not Digest keys, which are never stored): scrypt with a random salt,
// parameters kept in the stored string so they can be raised later without a migration.
// Format: scrypt$<log2 N>$<r>$<p>$<salt base64url>$<hash base64url>.

const LOG2_N = 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
export const MIN_PASSWORD_LENGTH = 12;
// scrypt's cost grows with the input; nobody types more than this.
export const MAX_PASSWORD_LENGTH = 1024;

/** Why a new password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return `the password must be at least ${MIN_PASSWORD_LENGTH} characters`;
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    return `the password must be at most ${MAX_PASSWORD_LENGTH} characters`;
  }
  return undefined;
}

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFKC'),
      salt,
      KEY_LENGTH,
      { ...options, maxmem: 64 * 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, { N: 2 ** LOG2_N, r: R, p: P });
  return ['scrypt', LOG2_N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** False for a wrong password and for anything that is not a hash this module wrote. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, logN, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const options = { N: 2 ** Number(logN), r: Number(r), p: Number(p) };
  if (![options.N, options.r, options.p].every((n) => Number.isSafeInteger(n) && n > 0))
    return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), options).catch(
    () => undefined,
  );
  return (
    actual !== undefined && actual.length === expected.length && timingSafeEqual(actual, expected)
  );
}

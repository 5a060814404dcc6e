import type { ObjectId, Timestamp } from './records.js';

/**
 * Who made a change. A user signed in to the console, or signing an API request with one of
 * their personal keys (`keyId`); an org's programmatic key; the CLI run by an OS user; someone
 * not (yet) known, as on a sign-in form or a one-time link; and `system` for a change no edge
 * attributed, which a test of every write path looks for and must never find.
 */
export type AuditActor =
  | {
      readonly kind: 'user';
      readonly userId: ObjectId;
      readonly username: string;
      readonly keyId?: ObjectId;
    }
  | { readonly kind: 'apiKey'; readonly keyId: ObjectId; readonly publicKey: string }
  | { readonly kind: 'cli'; readonly osUser: string }
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'system' };

/** Where a change came from: the channel, and for HTTP the client's address and User-Agent. */
export interface AuditOrigin {
  readonly channel: 'api' | 'console' | 'cli' | 'internal';
  readonly address?: string;
  readonly userAgent?: string;
}

/** Who and from where: fixed for one request or one CLI run. */
export interface AuditSource {
  readonly actor: AuditActor;
  readonly origin: AuditOrigin;
}

/** Every action the trail records; a closed list, so filters and docs can name them all. */
export const AUDIT_ACTIONS = [
  'org.create',
  'org.rename',
  'org.delete',
  'user.create',
  'user.update',
  'user.delete',
  'membership.set',
  'membership.remove',
  'globalRole.grant',
  'globalRole.revoke',
  'password.set',
  'password.clear',
  'invitation.create',
  'passwordReset.create',
  'link.redeem',
  'key.create',
  'key.roll',
  'key.enable',
  'key.disable',
  'key.describe',
  'key.delete',
  'apiKey.create',
  'apiKey.update',
  'apiKey.delete',
  'accessList.add',
  'accessList.delete',
  'console.signIn',
  'console.signOut',
  'console.signInFailed',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export function isAuditAction(text: string): text is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(text);
}

/**
 * What a change touched, by id (never a secret): `detail` carries a non-secret name the ids
 * do not, such as a role or an access-list block.
 */
export interface AuditTargets {
  readonly userId?: ObjectId;
  readonly orgId?: ObjectId;
  readonly keyId?: ObjectId;
  readonly detail?: string;
}

/** `ok` for every committed change; the refusals only a sign-in records. */
export type AuditOutcome = 'ok' | 'failed' | 'throttled';

/** A change as the store records it, inside the change's own transaction. */
export interface AuditChange {
  readonly action: AuditAction;
  readonly targets: AuditTargets;
  /** Absent for `ok`. */
  readonly outcome?: AuditOutcome;
}

/** One row of the trail as read back. */
export interface AuditEvent extends AuditSource {
  readonly id: ObjectId;
  readonly at: Timestamp;
  readonly action: AuditAction;
  readonly targets: AuditTargets;
  readonly outcome: AuditOutcome;
}

/** Which events a list shows; `userId` matches the actor or the target user. */
export interface AuditFilter {
  readonly userId?: ObjectId;
  readonly since?: Timestamp;
  readonly action?: AuditAction;
  /**
   * Only events older than this one, as lists order them: an export pages on with it, where
   * an offset would repeat rows as new events arrive at the top.
   */
  readonly after?: Pick<AuditEvent, 'at' | 'id'>;
}

import type { AuditActor, AuditEvent, AuditOrigin } from './audit.js';

// One wording of an event for every reader that is a person: the CLI's table and the
// console's Activity page.

export function actorText(actor: AuditActor): string {
  switch (actor.kind) {
    case 'user':
      return actor.keyId ? `${actor.username} (key ${actor.keyId})` : actor.username;
    case 'apiKey':
      return `API key ${actor.publicKey}`;
    case 'cli':
      return `cli (${actor.osUser})`;
    default:
      return actor.kind;
  }
}

export function originText(origin: AuditOrigin): string {
  return origin.address ? `${origin.channel} ${origin.address}` : origin.channel;
}

export function targetText({ targets }: AuditEvent): string {
  const parts = [
    targets.userId && `user ${targets.userId}`,
    targets.orgId && `org ${targets.orgId}`,
    targets.keyId && `key ${targets.keyId}`,
    targets.detail,
  ];
  return parts.filter(Boolean).join(', ');
}

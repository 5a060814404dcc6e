import type { SetupClaim, SetupGate, SetupRefusal } from '../console/setup-token.js';
import type { Outcome } from '../domain/records.js';
import type { SetupCheckReply, SetupClaimReply } from './protocol.js';
import type { WorkerLink } from './worker-link.js';

/** The setup link of all workers: the primary holds the one SetupToken and arbitrates claims. */
export class SharedSetupToken implements SetupGate {
  constructor(private readonly link: WorkerLink) {}

  check(sent: string): Promise<SetupCheckReply> {
    return this.link.request<SetupCheckReply>({ t: 'setup-check', token: sent });
  }

  async claim(sent: string): Promise<Outcome<SetupClaim, SetupRefusal>> {
    const reply = await this.link.request<SetupClaimReply>({ t: 'setup-claim', token: sent });
    if (!reply.ok) return reply;
    let settled = false;
    const settle = (how: 'release' | 'spend') => {
      if (settled) return;
      settled = true;
      this.link.send({ t: 'setup-settle', claim: reply.claim, how });
    };
    return { ok: true, value: { release: () => settle('release'), spend: () => settle('spend') } };
  }

  retire(): void {
    this.link.send({ t: 'setup-retire' });
  }
}

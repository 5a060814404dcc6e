import type { Outcome } from '../domain/records.js';
import { sameToken } from './tokens.js';

/** Why the setup link was turned away: not this process's token, used, or in use right now. */
export type SetupRefusal = 'wrong' | 'spent' | 'busy';

/** Held by the one request that may create an administrator with the link right now. */
export interface SetupClaim {
  /** The form was refused (weak password, taken name) and nobody was created: the link works again. */
  release(): void;
  /** Someone was, or may have been, created: the link never works again. */
  spend(): void;
}

/** The setup link's gate: this process's SetupToken, or the primary's over IPC (src/cluster). */
export interface SetupGate {
  check(sent: string): SetupCheck | Promise<SetupCheck>;
  claim(
    sent: string,
  ): Outcome<SetupClaim, SetupRefusal> | Promise<Outcome<SetupClaim, SetupRefusal>>;
  retire(): void;
}

type SetupCheck = Exclude<SetupRefusal, 'busy'> | undefined;

/**
 * The token `keyward serve` prints while nobody can sign in to the console. It creates at
 * most one administrator in the life of the process: a request claims it synchronously,
 * so of any number of concurrent forms exactly one goes on, and deleting the administrator
 * it created does not make it work again.
 */
export class SetupToken implements SetupGate {
  #state: 'open' | 'claimed' | 'spent' = 'open';

  constructor(private readonly token: string) {}

  /** Whether the link may show its form. A wrong token is told nothing about the state. */
  check(sent: string): SetupCheck {
    if (!sameToken(sent, this.token)) return 'wrong';
    return this.#state === 'spent' ? 'spent' : undefined;
  }

  /** The right to create the administrator, until released or spent. */
  claim(sent: string): Outcome<SetupClaim, SetupRefusal> {
    const refusal = this.check(sent) ?? (this.#state === 'claimed' ? 'busy' : undefined);
    if (refusal) return { ok: false, error: refusal };
    this.#state = 'claimed';
    let settled = false;
    const settle = (next: 'open' | 'spent') => {
      if (settled) return;
      settled = true;
      if (this.#state === 'claimed') this.#state = next;
    };
    return { ok: true, value: { release: () => settle('open'), spend: () => settle('spent') } };
  }

  /** Someone can sign in by other means (the CLI set a password): the link is done for good. */
  retire(): void {
    this.#state = 'spent';
  }
}

import { randomBytes } from 'node:crypto';
import { NONCE_ISSUER_BYTES, type RemoteVerdict } from '../digest/index.js';
import { idOf, type Mark } from '../domain/throttle.js';
import {
  isMessage,
  type ReplayCheck,
  type Request,
  type ToPrimary,
  type ToWorker,
} from './protocol.js';

const MAX_MARKS = 100_000;

/**
 * A worker's end of the IPC channel: sends requests to the primary and resolves their
 * answers, keeps the mirror of the primary's throttle marks that requests are checked
 * against synchronously, before anything is verified, and knows its siblings' nonce issuers
 * and answers their replay checks against its own window.
 */
export class WorkerLink {
  /** id → lockedUntil (0: failing, not locked); oldest first. */
  private readonly marks = new Map<string, number>();
  private readonly pending = new Map<number, (value: unknown) => void>();
  private nextId = 1;
  /** The live workers' nonce issuers (hex), this one's included. */
  private issuers: ReadonlySet<string> = new Set();
  private checkReplay: (check: ReplayCheck) => RemoteVerdict = () => 'foreign';

  private constructor(
    readonly setupToken: string | undefined,
    /** The issuer of this worker's nonces, named to the primary in `hello`. */
    readonly issuer: Buffer,
  ) {}

  /** Says hello and waits for the primary's welcome: the current locks and the setup token. */
  static connect(): Promise<WorkerLink> {
    const issuer = randomBytes(NONCE_ISSUER_BYTES);
    return new Promise((resolve) => {
      let link: WorkerLink | undefined;
      process.on('message', (message: unknown) => {
        if (!isMessage<ToWorker>(message)) return;
        if (message.t === 'welcome') {
          link = new WorkerLink(message.setupToken, issuer);
          link.apply(message.marks);
          link.issuers = new Set(message.issuers);
          resolve(link);
        } else link?.receive(message);
      });
      send({ t: 'hello', issuer: issuer.toString('hex') });
    });
  }

  /** Whether `issuer` (hex) is a live worker's, so worth asking (a dead one's never is). */
  isLiveIssuer(issuer: string): boolean {
    return this.issuers.has(issuer);
  }

  /** Siblings' checks of this worker's nonces; until set, none were issued: `foreign`. */
  answerReplayChecks(check: (check: ReplayCheck) => RemoteVerdict): void {
    this.checkReplay = check;
  }

  request<T>(request: Request): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, resolve as (value: unknown) => void);
      if (!send({ ...request, id })) {
        this.pending.delete(id);
        reject(new Error('the cluster primary is gone'));
      }
    });
  }

  send(message: ToPrimary): void {
    send(message);
  }

  /** Milliseconds-since-epoch until which `key` is locked, or 0; undefined when unmarked. */
  lockedUntil(key: string): number | undefined {
    return this.marks.get(idOf(key));
  }

  forget(key: string): void {
    this.marks.delete(idOf(key));
  }

  private receive(message: Exclude<ToWorker, { t: 'welcome' }>): void {
    switch (message.t) {
      case 'marks':
        this.apply(message.marks);
        send({ t: 'ack', id: message.id });
        return;
      case 'clear':
        this.marks.delete(message.id);
        return;
      case 'issuers':
        this.issuers = new Set(message.issuers);
        return;
      case 'replay-check': {
        const { relay, t: _, ...check } = message;
        send({ t: 'replay-verdict', relay, verdict: this.checkReplay(check) });
        return;
      }
      case 'reply': {
        const resolve = this.pending.get(message.id);
        this.pending.delete(message.id);
        resolve?.(message.value);
      }
    }
  }

  private apply(marks: readonly Mark[]): void {
    for (const [id, until] of marks) {
      this.marks.delete(id);
      if (this.marks.size >= MAX_MARKS) {
        const oldest = this.marks.keys().next();
        if (!oldest.done) this.marks.delete(oldest.value);
      }
      this.marks.set(id, until);
    }
  }
}

function send(message: ToPrimary): boolean {
  if (!process.send || !process.connected) return false;
  return process.send(message);
}

import { randomBytes } from 'node:crypto';
import { NONCE_ISSUER_BYTES } from '../digest/index.js';
import { idOf, type Mark } from '../domain/throttle.js';
import {
  isMessage,
  type Request,
  type Sibling,
  type ToPrimary,
  type ToWorker,
} from './protocol.js';

const MAX_MARKS = 100_000;

/**
 * A worker's end of the IPC channel: sends requests to the primary and resolves their
 * answers, keeps the mirror of the primary's throttle marks that requests are checked
 * against synchronously, before anything is verified, and knows where each live worker's
 * replay window answers (its nonce issuer → its socket).
 */
export class WorkerLink {
  /** id → lockedUntil (0: failing, not locked); oldest first. */
  private readonly marks = new Map<string, number>();
  private readonly pending = new Map<number, (value: unknown) => void>();
  private nextId = 1;
  private siblingPaths: ReadonlyMap<string, string> = new Map();

  private constructor(
    readonly setupToken: string | undefined,
    /** The issuer of this worker's nonces, named to the primary in `hello`. */
    readonly issuer: Buffer,
  ) {}

  /**
   * Says hello, naming the socket this worker already answers its siblings' replay checks on,
   * and waits for the primary's welcome: the current locks, the setup token, the siblings.
   */
  static connect(siblingPath: string): Promise<WorkerLink> {
    const issuer = randomBytes(NONCE_ISSUER_BYTES);
    return new Promise((resolve) => {
      let link: WorkerLink | undefined;
      process.on('message', (message: unknown) => {
        if (!isMessage<ToWorker>(message)) return;
        if (message.t === 'welcome') {
          link = new WorkerLink(message.setupToken, issuer);
          link.apply(message.marks);
          link.know(message.siblings);
          resolve(link);
        } else link?.receive(message);
      });
      send({ t: 'hello', issuer: issuer.toString('hex'), path: siblingPath });
    });
  }

  /**
   * The live workers' nonce issuers (hex, this one's included) → the socket each answers replay
   * checks on. A new map after every change, so a holder can tell that it changed.
   */
  siblings(): ReadonlyMap<string, string> {
    return this.siblingPaths;
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
      case 'siblings':
        this.know(message.siblings);
        return;
      case 'reply': {
        const resolve = this.pending.get(message.id);
        this.pending.delete(message.id);
        resolve?.(message.value);
      }
    }
  }

  private know(siblings: readonly Sibling[]): void {
    this.siblingPaths = new Map(siblings.map(({ issuer, path }) => [issuer, path]));
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

// One connection to the Redis (or Valkey) that several keyward instances share. Authentication
// fails closed while it is unreachable, so every command is short: a request waits at most
// `timeoutMs` for an answer, commands are never queued while disconnected (they fail at once),
// and the client reconnects by itself. An outage is logged once when it starts and once when
// it ends, not once per request.
import { createHash } from 'node:crypto';
import { createClient, type RedisClientType } from 'redis';

/** Redis did not answer: the caller answers 503 rather than guess. */
export class RedisUnavailable extends Error {
  constructor(cause: unknown) {
    super('Redis is not reachable', { cause });
  }
}

/** A Lua script run by its SHA-1, loaded again when Redis answers NOSCRIPT (after a restart). */
export interface Script {
  readonly source: string;
  readonly sha: string;
}

export function script(source: string): Script {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

export interface RedisLog {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

export interface RedisConnectionOptions {
  readonly url: string;
  readonly log: RedisLog;
  /** Connect and command timeout. */
  readonly timeoutMs?: number;
}

type Reply = string | number | null | Reply[];

export class RedisConnection {
  private reachable = true;

  private constructor(
    readonly client: RedisClientType,
    private readonly log: RedisLog,
    private readonly timeoutMs: number,
  ) {
    // Without a listener an 'error' event would end the process; the outage is logged by run().
    client.on('error', (error: unknown) => this.unreachable(error));
    client.on('ready', () => this.reachableAgain());
  }

  /** Starts connecting; resolves at once, reachable or not (requests get 503 until it is). */
  static open({ url, log, timeoutMs = 1000 }: RedisConnectionOptions): RedisConnection {
    const client = createClient({
      url,
      disableOfflineQueue: true,
      // A frozen Redis holds written commands until it answers: bound them, refuse past that.
      commandsQueueMaxLength: 10_000,
      // Its own timeout covers only unwritten commands (see command()) and costs an
      // AbortSignal per command (2.5% of a Redis-backed request's CPU, profiled): off.
      commandOptions: { timeout: 0 },
      socket: {
        connectTimeout: timeoutMs,
        reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1000),
      },
    }) as RedisClientType;
    const connection = new RedisConnection(client, log, timeoutMs);
    client.connect().catch((error: unknown) => connection.unreachable(error));
    return connection;
  }

  /** `open`, then waits up to the timeout for the first connection (it may not come: 503s). */
  static async connect(options: RedisConnectionOptions): Promise<RedisConnection> {
    const connection = RedisConnection.open(options);
    const { client } = connection;
    if (!client.isReady) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          client.off('ready', done);
          resolve();
        };
        const timer = setTimeout(done, connection.timeoutMs);
        client.on('ready', done);
      });
    }
    return connection;
  }

  /** Another connection to the same server (a subscriber cannot send other commands). */
  duplicate(): RedisClientType {
    const copy = this.client.duplicate() as RedisClientType;
    copy.on('error', (error: unknown) => this.unreachable(error));
    return copy;
  }

  get timeout(): number {
    return this.timeoutMs;
  }

  /** Runs a plain command; throws RedisUnavailable when Redis does not answer. */
  async command(args: readonly string[]): Promise<Reply> {
    let timer: NodeJS.Timeout | undefined;
    // node-redis times a command out only while it waits to be written, not once it waits
    // for the reply (measured: a SIGSTOPped Redis held a PING for as long as it was stopped).
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no reply in time')), this.timeoutMs);
    });
    try {
      const reply: unknown = await Promise.race([this.client.sendCommand([...args]), late]);
      this.reachableAgain();
      return reply as Reply;
    } catch (error) {
      throw this.failure(error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** EVALSHA, falling back on EVAL (which also caches it) when Redis lost its script cache. */
  async run(lua: Script, keys: readonly string[], args: readonly string[]): Promise<Reply> {
    const rest = [String(keys.length), ...keys, ...args];
    try {
      return await this.command(['EVALSHA', lua.sha, ...rest]);
    } catch (error) {
      if (!(error instanceof RedisUnavailable) || !isNoScript(error.cause)) throw error;
      return this.command(['EVAL', lua.source, ...rest]);
    }
  }

  async close(): Promise<void> {
    await closeClient(this.client);
  }

  private failure(error: unknown): RedisUnavailable {
    // NOSCRIPT is an answer, not an outage; any other reply error is a bug or a full Redis
    // (maxmemory with noeviction): both fail closed and are logged like an outage.
    if (!isNoScript(error)) this.unreachable(error);
    return new RedisUnavailable(error);
  }

  private unreachable(error: unknown): void {
    if (!this.reachable) return;
    this.reachable = false;
    const message = error instanceof Error ? error.message : String(error);
    this.log.warn(
      { redis: message },
      'Redis is not reachable: authentication answers 503 until it is',
    );
  }

  private reachableAgain(): void {
    if (this.reachable) return;
    this.reachable = true;
    this.log.info({}, 'Redis is reachable again');
  }
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

/**
 * Closes politely (pending replies first) and, if that fails (a client between reconnects
 * refuses to close), drops the socket: a stop must not fail, after the usage counts are
 * written, over a connection it is leaving anyway.
 */
export async function closeClient(client: RedisClientType): Promise<void> {
  try {
    if (client.isOpen) await client.close();
    else client.destroy();
  } catch {
    if (client.isOpen) client.destroy();
  }
}

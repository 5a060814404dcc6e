import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

// The console's stylesheet, script and icon, read once at start and served from memory under a
// name that carries their hash, so browsers may cache them for good and a new release is
// never served stale. A few files do not warrant a static-file server and its path handling.

// assets/console sits at the package root: two levels up from src/console and dist/console.
const FOLDER = new URL('../../assets/console/', import.meta.url);

const TYPES = {
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  svg: 'image/svg+xml',
  ico: 'image/x-icon',
} as const;

export interface Asset {
  /** Path under /console/static/, e.g. `console.3f2a9c01be.css`. */
  readonly name: string;
  readonly type: string;
  readonly body: Buffer;
}

export interface ConsoleAssets {
  readonly stylesheet: Asset;
  readonly script: Asset;
  /** Linked from every page; the ICO answers browsers that ask for /favicon.ico on their own. */
  readonly icon: Asset;
  readonly iconIco: Asset;
  byName(name: string): Asset | undefined;
}

async function load(file: string, type: keyof typeof TYPES): Promise<Asset> {
  const body = await readFile(new URL(file, FOLDER));
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 10);
  return { name: file.replace(/\.(\w+)$/, `.${hash}.$1`), type: TYPES[type], body };
}

export async function loadAssets(): Promise<ConsoleAssets> {
  const [stylesheet, script, icon, iconIco] = await Promise.all([
    load('console.css', 'css'),
    load('console.js', 'js'),
    load('favicon.svg', 'svg'),
    load('favicon.ico', 'ico'),
  ]);
  const all = new Map([stylesheet, script, icon].map((asset) => [asset.name, asset]));
  return { stylesheet, script, icon, iconIco, byName: (name) => all.get(name) };
}

// Prints the folder holding the C headers of the Node that runs this script, for node-gyp's
// `nodedir`, or nothing if there is none. A machine configured with `nodedir=/usr` (to build
// offline against the system Node's headers) would otherwise build better-sqlite3 for the
// system Node's ABI under every other Node. A system Node keeps its headers under its prefix
// (/usr/include/node); the npm package `node` keeps them in its platform package.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

const prefix = dirname(dirname(realpathSync(process.execPath)));
const candidates = [
  prefix,
  join(prefix, 'node_modules', `node-${process.platform}-${process.arch}`),
];

function headerVersion(dir) {
  const file = join(dir, 'include', 'node', 'node_version.h');
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  const part = (name) => text.match(new RegExp(`#define NODE_${name}_VERSION (\\d+)`))?.[1];
  return `v${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}`;
}

const found = candidates.find((dir) => headerVersion(dir) === process.version);
if (found) console.log(found);

#!/usr/bin/env node
// The installed entry point: runs the compiled CLI, which `npm ci` builds (the `prepare` script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    'keyward: error: dist/ is missing; run `npm ci` (or `npm run build`) first\n',
  );
  process.exit(1);
}
await import(entry.href);

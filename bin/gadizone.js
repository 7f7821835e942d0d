#!/usr/bin/env node
// The installed entry point: runs the compiled CLI. `npm start` builds first when the sources are newer.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../dist/cli/index.js', import.meta.url));
if (!existsSync(entry)) {
  console.error('gadizone is not built yet: run `npm run build` (or `npm start`, which builds first).');
  process.exit(1);
}
await import(entry);

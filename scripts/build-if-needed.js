// Runs before `npm start`: compiles TypeScript only when a source file is newer than the last build,
// so a fresh clone starts with one command and a built tree starts without waiting for tsc.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const STAMP = 'dist/.build-stamp';

function newestMtimeMs(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtimeMs(path) : statSync(path).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

const sourcesMs = Math.max(newestMtimeMs('src'), statSync('tsconfig.json').mtimeMs, statSync('tsconfig.build.json').mtimeMs);
if (existsSync(STAMP) && statSync(STAMP).mtimeMs >= sourcesMs) process.exit(0);

console.log('gadizone: building (sources changed since the last build)…');
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
execFileSync(process.execPath, ['scripts/copy-web-sources.js'], { stdio: 'inherit' });
execFileSync(process.execPath, ['-e', `require('node:fs').writeFileSync(${JSON.stringify(STAMP)}, new Date().toISOString())`]);

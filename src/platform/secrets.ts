/**
 * Secrets the app needs at start. JWT_SECRET is required with a server database (config refuses to start
 * without it); in embedded mode, when unset, one is generated once into DATA_DIR/.jwt-secret (mode 0600)
 * so tokens survive restarts and every worker of the host signs with the same key.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config.js';

const SECRET_FILE = '.jwt-secret';
const SECRET_BYTES = 48;

export async function withSecrets(config: Config): Promise<Config> {
  if (config.jwtSecret !== null || !config.embedded) return config;
  const file = join(config.dataDir, SECRET_FILE);
  let secret = await readFile(file, 'utf8').then((s) => s.trim(), () => '');
  if (secret.length < 32) {
    secret = randomBytes(SECRET_BYTES).toString('base64url');
    await mkdir(config.dataDir, { recursive: true });
    await writeFile(file, `${secret}\n`, { mode: 0o600 });
  }
  return { ...config, jwtSecret: secret };
}

/**
 * The admin pages' script and stylesheet. The CSP allows scripts and styles only from this origin (no
 * inline code), so both are files: the script is bundled and minified with esbuild once, when the app
 * starts, and both are served under a content hash (`/admin/assets/admin.<hash>.js`) with immutable
 * caching, so a deploy changes the URL and a browser never runs a stale script.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { FastifyInstance } from 'fastify';
import { ADMIN_CSS } from './admin-page-styles.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';
const HASH_CHARS = 16;
/** Browsers the admin script is compiled for (evergreen; the public pages have their own targets). */
const BROWSER_TARGETS = ['chrome100', 'firefox100', 'safari15'];

export interface AdminAssets {
  scriptUrl: string;
  styleUrl: string;
}

/** The script's source, beside this module: in src/ (tsx, tests) or dist/ (the build copies it there). */
function scriptSource(): string {
  const path = fileURLToPath(new URL('./client/admin.js', import.meta.url));
  if (!existsSync(path)) throw new Error(`admin pages: ${path} not found (run npm run build)`);
  return path;
}

const hashOf = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, HASH_CHARS);

export async function registerAdminAssets(app: FastifyInstance): Promise<AdminAssets> {
  const bundle = await build({ entryPoints: [scriptSource()], bundle: true, minify: true, format: 'iife', target: BROWSER_TARGETS, write: false, logLevel: 'silent' });
  const script = bundle.outputFiles[0]!.text;
  const scriptUrl = `/admin/assets/admin.${hashOf(script)}.js`;
  const styleUrl = `/admin/assets/admin.${hashOf(ADMIN_CSS)}.css`;
  app.get(scriptUrl, { schema: { hide: true } }, async (_request, reply) =>
    reply.header('cache-control', IMMUTABLE).type('text/javascript; charset=utf-8').send(script),
  );
  app.get(styleUrl, { schema: { hide: true } }, async (_request, reply) => reply.header('cache-control', IMMUTABLE).type('text/css; charset=utf-8').send(ADMIN_CSS));
  return { scriptUrl, styleUrl };
}

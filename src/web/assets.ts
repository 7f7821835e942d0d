/**
 * Static assets of the pages, built once when the app starts: the client islands bundled and minified by
 * esbuild into `/assets/<name>.<contenthash>.js` (served immutable: a new build gets new names), and the
 * stylesheet minified for inlining, with the sha256 the CSP allows it by.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build, transform } from 'esbuild';
import { encodeBody, hashBody, type EncodedBody } from '../platform/cache/encoding.js';

export const ISLANDS = ['autocomplete', 'emi', 'compare-picker'] as const;
export type Island = (typeof ISLANDS)[number];

/** Browsers that support ES modules also support this syntax; nothing older runs islands anyway. */
const ISLAND_TARGET = 'es2020';
const HASH_LENGTH = 10;

export interface BuiltAsset {
  name: string;
  contentType: string;
  body: EncodedBody;
}

export interface SiteAssets {
  /** `/assets/<file>` → bytes. */
  files: Map<string, BuiltAsset>;
  /** Island name → its URL. */
  islandUrls: Record<Island, string>;
  /** The minified stylesheet, inlined in every page. */
  css: string;
  /** `'sha256-…'`: the CSP source that allows exactly that inline stylesheet. */
  cssHash: string;
}

/**
 * Client sources, beside this module: in src/ when run from the sources (tests, `npm run dev`), in dist/
 * when built (the build copies them there: scripts/copy-web-sources.js), so an image without src/ works.
 */
function sourcePath(...segments: string[]): string {
  const path = fileURLToPath(new URL(segments.join('/'), import.meta.url));
  if (!existsSync(path)) throw new Error(`website sources not found at ${path}: the pages bundle them at start (run npm run build)`);
  return path;
}

async function buildIslands(): Promise<Map<Island, string>> {
  const dir = sourcePath('client');
  const result = await build({
    entryPoints: Object.fromEntries(ISLANDS.map((name) => [name, `${dir}/${name}.ts`])),
    bundle: true,
    minify: true,
    format: 'esm',
    target: ISLAND_TARGET,
    write: false,
    outdir: 'out',
    logLevel: 'silent',
  });
  const code = new Map<Island, string>();
  for (const file of result.outputFiles) {
    const name = file.path.split('/').pop()!.replace(/\.js$/, '') as Island;
    code.set(name, file.text);
  }
  return code;
}

export async function buildSiteAssets(): Promise<SiteAssets> {
  const [islands, cssSource] = await Promise.all([buildIslands(), readFile(sourcePath('styles', 'site.css'), 'utf8')]);
  const files = new Map<string, BuiltAsset>();
  const islandUrls = {} as Record<Island, string>;
  for (const [name, code] of islands) {
    const file = `${name}.${hashBody(code).slice(0, HASH_LENGTH).replace(/[-_]/g, 'x')}.js`;
    files.set(file, { name: file, contentType: 'text/javascript; charset=utf-8', body: await encodeBody(code, hashBody(code)) });
    islandUrls[name] = `/assets/${file}`;
  }
  const css = (await transform(cssSource, { loader: 'css', minify: true })).code.trim();
  const cssHash = `'sha256-${createHash('sha256').update(css).digest('base64')}'`;
  return { files, islandUrls, css, cssHash };
}

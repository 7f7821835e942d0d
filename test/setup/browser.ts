/**
 * Browser-test helpers: Debian's headless Chromium driven by playwright-core, and the app listening on a
 * loopback port so the browser reaches it over real HTTP.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Config } from '../../src/config.js';
import { buildTestApp, type TestApp } from '../helpers.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM_PATH);

/**
 * Chromium's flags for a closed network: without the background-networking ones it keeps trying to reach
 * Google's update, sync and field-trial servers.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const SCREENSHOT_DIR = join('test-artifacts', 'screenshots');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/** A loopback port nobody holds right now (the kernel picks it). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Site extends TestApp {
  /** http://127.0.0.1:<port>, also the app's PUBLIC_URL, so the visitors' forms pass the Origin check. */
  baseUrl: string;
}

/**
 * The test app listening on loopback. The port is chosen before the app is built because the public forms
 * trust only PUBLIC_URL's origin, and the browser's Origin header carries the port.
 */
export async function startSite(config: Partial<Config> = {}): Promise<Site> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const t = await buildTestApp({ config: { publicUrl: baseUrl, ...config } });
  try {
    await t.app.listen({ port, host: '127.0.0.1' });
  } catch (error) {
    await t.close();
    throw error;
  }
  return { ...t, baseUrl };
}

/** Saves a full-page screenshot as a test artifact (test-artifacts/ is not committed). */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

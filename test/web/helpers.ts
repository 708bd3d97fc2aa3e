// Shared set-up for the browser tests: Debian's Chromium driven by playwright-core, the real server
// on a free port with a temporary data folder, screenshots into test-output/web/.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const REPO_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const SCREENSHOT_DIR = path.join(REPO_DIR, 'test-output', 'web');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The machine is offline: nothing in the browser may try to reach the network on its own. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The API's own no-face message (the original Flask service's words). */
export const NO_FACE_MESSAGE = 'No human face found. Upload a clear picture of a person with the face looking at the camera.';

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions and console errors the page produced (failed image loads excluded). */
  problems: string[];
  close(): Promise<void>;
}

/** Chromium with a fresh user-data folder, removed again on close. */
export async function launchBrowser(opts: { extraArgs?: string[]; viewport?: { width: number; height: number } } = {}): Promise<Browser> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'face-web-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_ARGS, ...(opts.extraArgs ?? [])],
      viewport: opts.viewport ?? { width: 1100, height: 900 },
    });
  } catch (err) {
    fs.rmSync(userDataDir, { recursive: true, force: true });
    throw err;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(30_000);
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // A 401 before the key is entered is expected; so is the broken preview of a file that is no image.
    if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  return {
    context,
    page,
    problems,
    close: async () => {
      try {
        await context.close();
      } finally {
        fs.rmSync(userDataDir, { recursive: true, force: true });
      }
    },
  };
}

export interface TestServer {
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

/** The real GraphQL server (src/graphql/server.ts) on a free port, with an empty temporary gallery. */
export async function startTestServer(opts: { apiKeys?: string[]; maxUploadMb?: number } = {}): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'face-web-data-'));
  try {
    const { startServer } = await import('../../src/graphql/server.js');
    const server = await startServer({ dataDir, port: 0, host: '127.0.0.1', apiKeys: opts.apiKeys ?? [], maxUploadMb: opts.maxUploadMb, logger: quietLogger });
    return {
      url: server.url,
      dataDir,
      close: async () => {
        try {
          await server.close();
        } finally {
          fs.rmSync(dataDir, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

// Client errors (no face, wrong file type) are expected here; only real failures are worth printing.
const quietLogger = {
  warn: () => undefined,
  error: (...args: unknown[]) => console.error(...args),
};

/** Numbered full-page screenshots: test-output/web/<prefix>-01-<name>.png. */
export function screenshots(page: Page, prefix: string): (name: string) => Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  for (const old of fs.readdirSync(SCREENSHOT_DIR)) {
    if (old.startsWith(`${prefix}-`) && old.endsWith('.png')) fs.rmSync(path.join(SCREENSHOT_DIR, old));
  }
  let n = 0;
  return async (name: string) => {
    n += 1;
    const file = path.join(SCREENSHOT_DIR, `${prefix}-${String(n).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };
}

/** Runs every cleanup even when one throws; rethrows the first failure. */
export async function closeAll(...closers: (undefined | (() => Promise<void>))[]): Promise<void> {
  let failure: unknown;
  for (const close of closers) {
    try {
      await close?.();
    } catch (err) {
      failure ??= err;
    }
  }
  if (failure) throw failure;
}

/**
 * Drops a file onto an element the way a user's drag and drop does: a `drop` event whose
 * DataTransfer holds the file.
 */
export async function dropFile(page: Page, selector: string, file: { name: string; mimeType: string; bytes: Buffer }): Promise<void> {
  const dataTransfer = await page.evaluateHandle(({ name, mimeType, base64 }) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], name, { type: mimeType }));
    return dt;
  }, { name: file.name, mimeType: file.mimeType, base64: file.bytes.toString('base64') });
  await page.dispatchEvent(selector, 'dragenter', { dataTransfer });
  await page.dispatchEvent(selector, 'drop', { dataTransfer });
}

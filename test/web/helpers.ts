// Shared set-up for the browser tests: Debian's Chromium driven by playwright-core, the real server
// on a free port with a temporary data folder, screenshots into test-output/web/; usePage() wires them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { RunningServer } from '../../src/graphql/server.js';

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

export interface BrowserOptions {
  extraArgs?: string[];
  viewport?: { width: number; height: number };
  /** Where the page's problems are collected (a new list by default). */
  problems?: string[];
}

/** Chromium with a fresh user-data folder, removed again on close. */
export async function launchBrowser(opts: BrowserOptions = {}): Promise<Browser> {
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
  const problems = opts.problems ?? [];
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

export interface ServerOptions {
  apiKeys?: string[];
  maxUploadMb?: number;
  maxVideoMb?: number;
  videoMaxSeconds?: number;
}

export interface TestServer {
  /** The running server's address; a new one after start(). */
  readonly url: string;
  readonly dataDir: string;
  /** Stops the server, keeping its data folder (a restart with start() finds it again). */
  stop(): Promise<void>;
  /** Starts the stopped server again on the same data folder, on a new free port. */
  start(): Promise<void>;
  /** Stops the server and removes its data folder. */
  close(): Promise<void>;
}

/** The real GraphQL server (src/graphql/server.ts) on a free port, with an empty temporary gallery. */
export async function startTestServer(opts: ServerOptions = {}): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'face-web-data-'));
  let running: RunningServer | undefined;
  try {
    const { startServer } = await import('../../src/graphql/server.js');
    const { faceCore } = await import('../fixtures/core.js');
    const start = async () => {
      running = await startServer({
        core: faceCore,
        dataDir,
        port: 0,
        host: '127.0.0.1',
        apiKeys: opts.apiKeys ?? [],
        maxUploadMb: opts.maxUploadMb,
        maxVideoMb: opts.maxVideoMb,
        videoMaxSeconds: opts.videoMaxSeconds,
        logger: quietLogger,
      });
    };
    await start();
    const stop = async () => {
      const server = running;
      running = undefined;
      await server?.close();
    };
    return {
      get url() {
        if (!running) throw new Error('The test server is stopped.');
        return running.url;
      },
      dataDir,
      stop,
      start,
      close: async () => {
        try {
          await stop();
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

export interface PageOptions {
  server?: ServerOptions;
  browser?: Pick<BrowserOptions, 'extraArgs' | 'viewport'>;
  /**
   * Runs once the server is up, before the browser starts: fixtures the tests need (`dir` is a
   * temporary folder for them, removed after the tests), people enrolled through the API.
   */
  setUp?: (ctx: { server: TestServer; dir: string }) => Promise<void>;
  /** Where the page starts, e.g. '/' or '/#video'; without it the first test opens the page itself. */
  open?: string;
}

export interface PageTest {
  /** The browser's page. Usable in tests and hooks, once the set-up has run. */
  page: Page;
  /** The server the page talks to (its url, stop() and start() for a restart). */
  server: TestServer;
  /** Uncaught exceptions and console errors the page produced so far (see launchBrowser). */
  problems: string[];
  /** A numbered full-page screenshot: test-output/web/<name>-01-<what>.png (see screenshots). */
  shot(what: string): Promise<string>;
}

/**
 * The set-up every browser test shares, for the enclosing describe(): before its tests, the real
 * server (with `opts.server`) and Chromium with a page, screenshots named `name`-NN-…; after them,
 * everything closed and removed. Returns the page, server, problems and shot() for the tests to use.
 */
export function usePage(name: string, opts: PageOptions = {}): PageTest {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  let dir: string | undefined;
  let shot: ((what: string) => Promise<string>) | undefined;
  const problems: string[] = [];

  before(async () => {
    server = await startTestServer(opts.server);
    if (opts.setUp) {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'face-web-files-'));
      await opts.setUp({ server, dir });
    }
    browser = await launchBrowser({ ...opts.browser, problems });
    shot = screenshots(browser.page, name);
    if (opts.open !== undefined) await browser.page.goto(`${server.url}${opts.open}`);
  });

  after(async () => {
    await closeAll(browser?.close, server?.close, async () => {
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });
  });

  const started = <T>(what: string, value: T | undefined): T => {
    if (value === undefined) throw new Error(`The ${what} is used before usePage('${name}') has set it up.`);
    return value;
  };
  return {
    page: lateBound(() => started('page', browser?.page)),
    server: {
      get url() { return started('server', server).url; },
      get dataDir() { return started('server', server).dataDir; },
      stop: () => started('server', server).stop(),
      start: () => started('server', server).start(),
      close: () => started('server', server).close(),
    },
    problems,
    shot: (what) => started('browser', shot)(what),
  };
}

/**
 * An object that stands for the one `get()` returns when it is used: the tests can name the page
 * before the hook that opens it has run. Methods are bound to the real object.
 */
function lateBound<T extends object>(get: () => T): T {
  return new Proxy({} as T, {
    get(_, prop) {
      const target = get();
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
    set(_, prop, value) {
      return Reflect.set(get(), prop, value);
    },
    has(_, prop) {
      return Reflect.has(get(), prop);
    },
  });
}

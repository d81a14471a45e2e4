/**
 * Vitest globalSetup for the end-to-end tests: builds the web UI if it is missing or stale, starts the real
 * server on a free loopback port with a throw-away data directory (embedded PGlite, demo district seed),
 * waits for /api/health, and stops it and removes the data at teardown.
 * KANGLIAN_E2E_BASE_URL=http://host:port runs the suite against an already-running server instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { e2eSkipReason } from './browser';

declare module 'vitest' {
  export interface ProvidedContext {
    /** http://127.0.0.1:<port> of the server under test; '' when the suite is skipped. */
    baseURL: string;
    /** Why the suite is skipped; '' when it runs. */
    e2eSkipReason: string;
  }
}

const here = path.dirname(fileURLToPath(import.meta.url));
export const WEB_DIR = path.resolve(here, '../..');
export const REPO_DIR = path.resolve(WEB_DIR, '..');
export const SERVER_DIR = path.join(REPO_DIR, 'server');
export const RESULTS_DIR = path.join(WEB_DIR, 'test-results');

const PREFERRED_PORT = Number(process.env.KANGLIAN_E2E_PORT ?? 3210);
const HEALTH_TIMEOUT_MS = 120_000;

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

function ephemeralPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function freePort(preferred = PREFERRED_PORT): Promise<number> {
  return (await portIsFree(preferred)) ? preferred : ephemeralPort();
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    const st = statSync(full);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(full) : st.mtimeMs);
  }
  return newest;
}

/** The server serves web/dist; rebuild it when any source is newer than the last build. */
async function ensureWebBuilt(): Promise<void> {
  const index = path.join(WEB_DIR, 'dist', 'index.html');
  const sources = Math.max(newestMtime(path.join(WEB_DIR, 'src')), statSync(path.join(WEB_DIR, 'index.html')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  console.log('[e2e] building web/dist …');
  const { build } = await import('vite');
  await build({ root: WEB_DIR, configFile: path.join(WEB_DIR, 'vite.config.ts'), logLevel: 'warn' });
}

async function waitForHealth(url: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let exited: string | null = null;
  child.once('exit', (code, signal) => {
    exited = `exited with ${signal ?? `code ${code}`}`;
  });
  let lastError = '';
  while (Date.now() < deadline) {
    if (exited) break;
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5_000) });
      if (res.status === 200) return;
      lastError = `HTTP ${res.status}`;
    } catch (e) {
      lastError = e instanceof Error ? e.message : String(e);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n') : '';
  throw new Error(
    `[e2e] server ${exited ?? `not healthy after ${HEALTH_TIMEOUT_MS / 1000}s (${lastError})`}; last lines of ${logFile}:\n${tail}`,
  );
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const skip = e2eSkipReason();
  if (skip) {
    project.provide('baseURL', '');
    project.provide('e2eSkipReason', skip);
    return async () => undefined;
  }

  mkdirSync(RESULTS_DIR, { recursive: true });

  // Against a server that is already running (e.g. `npm run dev` with a built UI): no spawn, no build.
  const external = process.env.KANGLIAN_E2E_BASE_URL?.replace(/\/$/, '');
  if (external) {
    const res = await fetch(`${external}/api/health`).catch((e: unknown) => e as Error);
    if (res instanceof Error || !res.ok) throw new Error(`[e2e] KANGLIAN_E2E_BASE_URL=${external} is not healthy`);
    project.provide('baseURL', external);
    project.provide('e2eSkipReason', '');
    return async () => undefined;
  }

  await ensureWebBuilt();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kanglian-e2e-'));
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const logFile = path.join(RESULTS_DIR, 'server.log');
  const log = createWriteStream(logFile);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    KANGLIAN_DATA_DIR: dataDir,
    KANGLIAN_DEMO_RESIDENTS: process.env.KANGLIAN_DEMO_RESIDENTS ?? '300',
    KANGLIAN_WEB_DIST: path.join(WEB_DIR, 'dist'),
    LOG_LEVEL: 'warn',
    NODE_ENV: 'test',
  };
  // The e2e run always uses the embedded PGlite in its temporary directory, never a configured PostgreSQL.
  delete env.DATABASE_URL;

  console.log(`[e2e] starting server on ${baseURL} (data ${dataDir}; log ${path.relative(REPO_DIR, logFile)})`);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: SERVER_DIR,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);

  try {
    await waitForHealth(baseURL, child, logFile);
  } catch (e) {
    await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  console.log('[e2e] server ready');
  project.provide('baseURL', baseURL);
  project.provide('e2eSkipReason', '');

  return async () => {
    await stop(child);
    log.end();
    rmSync(dataDir, { recursive: true, force: true });
  };
}

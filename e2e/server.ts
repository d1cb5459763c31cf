import { spawn, execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/** The repository root; the server and the CLI run from here. */
export const repoRoot = path.resolve(import.meta.dirname, '..');
const cli = path.join(repoRoot, 'bin/qingdan.mjs');
const run = promisify(execFile);

/** A running Qingdan server on its own port and data folder. */
export interface TestServer {
  url: string;
  dataDir: string;
  /** The end of what the process printed (for diagnosing a failed test). */
  output: () => string;
  /** Whether the process still runs. */
  alive: () => boolean;
  stop: () => Promise<void>;
}

function baseEnv(dataDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    QINGDAN_DATA: dataDir,
    DATABASE_URL: '',
    QINGDAN_SCHEDULER: '0',
    // The seed runs from the server's bundle, as the server does, without the TypeScript loader.
    QINGDAN_COMPILED: '1',
    // Kept in memory only; shown when the server goes away during a test.
    LOG_LEVEL: 'info',
  };
}

/** Seeds the Hetang demo (SQLite) into a fresh temporary data folder and returns the folder. */
export async function seedTemplate(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qingdan-e2e-seed-'));
  await run(process.execPath, [cli, 'seed'], { cwd: repoRoot, env: baseEnv(dir) });
  return dir;
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/**
 * Starts `qingdan serve` on a free port with a copy of the seeded data folder (or a fresh seed when
 * none is given), and waits until `/api/health` answers.
 */
export async function startServer(seedDir?: string): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qingdan-e2e-'));
  if (seedDir) fs.cpSync(seedDir, dataDir, { recursive: true });
  else await run(process.execPath, [cli, 'seed'], { cwd: repoRoot, env: baseEnv(dataDir) });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [cli, 'serve'], {
    cwd: repoRoot,
    env: { ...baseEnv(dataDir), HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (d: Buffer) => (log = (log + d.toString()).slice(-20_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('exit', (code, signal) => (log += `\n[server exited: code ${code}, signal ${signal}]\n`));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited(child);
      clearTimeout(killer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`the server exited with ${child.exitCode}:\n${log}`);
    }
    try {
      const r = await fetch(`${url}/api/health`);
      if (r.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the server did not answer /api/health within 60 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const alive = () => child.exitCode === null && child.signalCode === null;
  return { url, dataDir, output: () => log, alive, stop };
}

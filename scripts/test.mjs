#!/usr/bin/env node
// The whole test suite: unit and API tests on SQLite, the tests that use a database again on PostgreSQL,
// and the browser tests. Prints one closing line "N passed, N failed".
// PostgreSQL is required in CI (CI=true) and skipped with a warning elsewhere when it cannot be reached.
//
// The three parts run one after another. Each keeps most of two cores busy by itself; run at the same
// time they took as long in all, spent more processor time fighting over the cores, and left the browser
// tests' waits starved.
// `node scripts/test.mjs sqlite|postgres|e2e` runs one part (several may be named).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { build as buildServer, isStale as serverStale } from '../bin/build-server.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const tmp = path.join(root, '.tmp');
fs.mkdirSync(tmp, { recursive: true });
const vitest = path.join(root, 'node_modules/vitest/vitest.mjs');
const pgUrl = process.env.QINGDAN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const only = process.argv.slice(2);
const wanted = (part) => only.length === 0 || only.includes(part);

let passed = 0;
let failed = 0;
let skipped = 0;
const runs = [];

/**
 * The test files that use a database, by the naming rule src/test/__tests__/naming.test.ts enforces:
 * API tests (`*.api.test.ts`) and tests that start server processes (`*.process.test.ts`). Pure unit
 * tests give the same answer on either database, so the PostgreSQL run leaves them out.
 */
function databaseTestFiles(dir) {
  const found = [];
  for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) found.push(...databaseTestFiles(rel));
    else if (/\.(api|process)\.test\.ts$/.test(e.name) && rel.includes(`${path.sep}__tests__${path.sep}`))
      found.push(rel.split(path.sep).join('/'));
  }
  return found.sort();
}

/**
 * Adds a run's counts from its JSON report: failed tests, and files that failed without a failed test
 * (one that did not load); a run that failed without a report counts one failure.
 */
function tally(name, status, out) {
  let counts = { p: 0, f: 0, s: 0 };
  if (fs.existsSync(out)) {
    const j = JSON.parse(fs.readFileSync(out, 'utf8'));
    const brokenFiles = (j.testResults ?? []).filter(
      (f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed'),
    ).length;
    counts = {
      p: j.numPassedTests,
      f: j.numFailedTests + brokenFiles,
      s: j.numPendingTests + (j.numTodoTests ?? 0),
    };
  }
  if (status !== 0 && counts.f === 0) counts.f = 1;
  passed += counts.p;
  failed += counts.f;
  skipped += counts.s;
  runs.push(`${name}: ${counts.p} passed, ${counts.f} failed`);
}

function vitestArgs(name, args) {
  const out = path.join(tmp, `results-${name}.json`);
  fs.rmSync(out, { force: true });
  return {
    out,
    argv: [vitest, 'run', ...args, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`],
  };
}

/** Runs one vitest run in the foreground, its output on this terminal. */
function run(name, args, env = {}) {
  console.log(`\n=== ${name} ===`);
  const { out, argv } = vitestArgs(name, args);
  const r = spawnSync(process.execPath, argv, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  tally(name, r.status, out);
}

async function postgresReachable() {
  const c = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

// The server bundle and the web app are built before anything runs: the process tests start servers and
// the CLI from the bundle (built once here rather than by the first servers at the same time), and the API
// tests' servers serve web/dist too. The web build's up-to-date check runs from the bundle: loading the
// CLI's sources through the TypeScript loader costs more than the check.
try {
  if (serverStale()) await buildServer();
} catch (err) {
  console.warn(`the server bundle did not build (${err?.message ?? err}): servers will run the sources`);
}
let webBuilt = false;
if (wanted('e2e') && fs.existsSync(path.join(root, 'e2e/vitest.config.ts'))) {
  const build = spawnSync(process.execPath, [path.join(root, 'bin/qingdan.mjs'), 'build-web'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, QINGDAN_COMPILED: '1' },
  });
  webBuilt = build.status === 0;
  if (!webBuilt) {
    failed++;
    runs.push('browser: not run, the web app did not build');
  }
}

if (wanted('sqlite')) run('sqlite', [], { QINGDAN_TEST_DB: 'sqlite' });

if (wanted('postgres')) {
  if (await postgresReachable()) run('postgres', databaseTestFiles('src'), { QINGDAN_TEST_DB: 'postgres' });
  else if (process.env.CI) {
    console.error('PostgreSQL is required in CI but cannot be reached');
    failed++;
  } else console.warn('\nPostgreSQL not reachable: PostgreSQL tests skipped (they are required in CI)');
}

if (webBuilt) run('browser', ['--config', 'e2e/vitest.config.ts']);

console.log(`\n${runs.join('\n')}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);

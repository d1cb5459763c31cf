#!/usr/bin/env node
// The whole test suite: unit and API tests on SQLite, the same API tests on PostgreSQL, then the browser
// tests. Prints one closing line "N passed, N failed". PostgreSQL is required in CI (CI=true) and
// skipped with a warning elsewhere when it cannot be reached.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const tmp = path.join(root, '.tmp');
fs.mkdirSync(tmp, { recursive: true });
const vitest = path.join(root, 'node_modules/vitest/vitest.mjs');
const pgUrl = process.env.QINGDAN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const only = process.argv.slice(2);

let passed = 0;
let failed = 0;
let skipped = 0;
const runs = [];

function run(name, args, env = {}) {
  const out = path.join(tmp, `results-${name}.json`);
  fs.rmSync(out, { force: true });
  console.log(`\n=== ${name} ===`);
  const r = spawnSync(
    process.execPath,
    [vitest, 'run', ...args, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, ...env },
    },
  );
  let counts = { p: 0, f: 0, s: 0 };
  if (fs.existsSync(out)) {
    const j = JSON.parse(fs.readFileSync(out, 'utf8'));
    counts = {
      p: j.numPassedTests,
      f: j.numFailedTests + (j.numFailedTestSuites ?? 0),
      s: j.numPendingTests + (j.numTodoTests ?? 0),
    };
  }
  if (r.status !== 0 && counts.f === 0) counts.f = 1;
  passed += counts.p;
  failed += counts.f;
  skipped += counts.s;
  runs.push(`${name}: ${counts.p} passed, ${counts.f} failed`);
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

if (only.length === 0 || only.includes('sqlite')) run('sqlite', [], { QINGDAN_TEST_DB: 'sqlite' });
if (only.length === 0 || only.includes('postgres')) {
  if (await postgresReachable()) run('postgres', ['src'], { QINGDAN_TEST_DB: 'postgres' });
  else if (process.env.CI) {
    console.error('PostgreSQL is required in CI but cannot be reached');
    failed++;
  } else console.warn('\nPostgreSQL not reachable: PostgreSQL tests skipped (they are required in CI)');
}
if ((only.length === 0 || only.includes('e2e')) && fs.existsSync(path.join(root, 'e2e/vitest.config.ts'))) {
  const build = spawnSync(process.execPath, [path.join(root, 'bin/qingdan.mjs'), 'build-web'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (build.status !== 0) failed++;
  else run('browser', ['--config', 'e2e/vitest.config.ts']);
}

console.log(`\n${runs.join('\n')}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);

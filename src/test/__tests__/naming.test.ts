import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');

/** Every test file under a folder, as a path from the repository root. */
function testFiles(dir: string): string[] {
  const found: string[] = [];
  for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) found.push(...testFiles(rel));
    else if (e.name.endsWith('.test.ts')) found.push(rel);
  }
  return found;
}

/** What a test file that reaches a database imports or reads: the harness, its databases, the dialect under test. */
const USES_DATABASE = /test\/(harness|server-process|databases|template)\.ts'|\bTEST_DB\b|QINGDAN_TEST_DB/;

/**
 * The PostgreSQL pass of `npm test` runs only the files named `*.api.test.ts` or `*.process.test.ts`
 * (scripts/test.mjs): a test that reaches the database under another name would silently run on SQLite
 * alone.
 */
describe('test file names', () => {
  it('name every test that uses the database under test *.api.test.ts or *.process.test.ts', () => {
    const files = testFiles('src');
    expect(files.length).toBeGreaterThan(50);
    const misnamed = files.filter(
      (f) =>
        !/\.(api|process)\.test\.ts$/.test(f) &&
        f !== 'src/test/__tests__/naming.test.ts' &&
        USES_DATABASE.test(fs.readFileSync(path.join(root, f), 'utf8')),
    );
    expect(misnamed).toEqual([]);
  });
});

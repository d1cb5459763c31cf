import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { problemFactory } from '../factories.ts';
import { startTestApp, TEST_DB, templateRun, type TestApp } from '../harness.ts';
import { seedsLikeTemplate, templateDataDir } from '../template.ts';

const TABLES = [
  'jurisdictions',
  'divisions',
  'units',
  'users',
  'api_keys',
  'categories',
  'campaigns',
  'topics',
  'problems',
  'actions',
  'audit_log',
] as const;

async function counts(t: TestApp): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) {
    const r = await t.ctx.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    out[table] = Number(r.n);
  }
  return out;
}

/**
 * API test files start from copies of a template seeded once per run (src/test/template.ts): a copy
 * holds what a fresh seed holds, its data folder carries the template's key file, copies are
 * independent of each other, and a test that changes a setting the seed might read is seeded afresh.
 */
describe(`seeded templates (${TEST_DB})`, () => {
  let a: TestApp;
  let b: TestApp;
  let fresh: TestApp;
  beforeAll(async () => {
    [a, b] = await Promise.all([startTestApp({ seed: 'reference' }), startTestApp({ seed: 'reference' })]);
    // `version` is not a setting the seed is known to ignore: this one is seeded here, as before templates.
    fresh = await startTestApp({ seed: 'reference', config: { version: '0.1.0' } });
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close(), fresh?.close()]);
  });

  it('copies only for settings the seed ignores', () => {
    expect(seedsLikeTemplate({ reportsPerMinute: 1, sessionIdleMinutes: 5 })).toBe(true);
    expect(seedsLikeTemplate({ version: 'x' })).toBe(false);
    expect(seedsLikeTemplate({ dataDir: '/elsewhere' })).toBe(false);
    expect(templateRun({ version: 'x' })).toBeNull();
    expect(templateRun()).toBe(inject('qingdanTemplateRun'));
  });

  it('holds what a fresh seed holds, with the key file of the template', async () => {
    expect(await counts(a)).toEqual(await counts(fresh));
    const template = await templateDataDir(inject('qingdanTemplateRun'), 'reference');
    const key = (dir: string) => fs.readFileSync(path.join(dir, 'secret.keys'), 'utf8');
    expect(key(a.ctx.config.dataDir)).toBe(key(template));
    expect(key(fresh.ctx.config.dataDir)).not.toBe(key(template));
  });

  it('gives each file a database of its own', async () => {
    await problemFactory(a).report({ title: '模板副本之间互不影响' });
    expect((await counts(a)).problems).toBe((await counts(b)).problems + 1);
  });
});

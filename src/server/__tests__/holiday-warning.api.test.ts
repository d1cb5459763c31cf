/** A calendar year with no published holidays is reported in /api/health's warnings from 60 days before it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/harness.ts';

describe('warning of a year without holidays', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference', clock: new Date('2026-10-01T01:00:00Z') });
  });
  afterAll(() => t.close());

  const warnings = async () => JSON.stringify((await t.client().get('/api/health')).body.warnings);

  it('is silent 92 days before 2027 and warns from 60 days before', async () => {
    expect(await warnings()).not.toContain('2027');
    t.clock!.set(new Date('2026-11-05T01:00:00Z'));
    expect(await warnings()).toContain('no public holidays for 2027');
  });
});

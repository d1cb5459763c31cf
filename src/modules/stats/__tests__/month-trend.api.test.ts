import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/harness.ts';
import { withEmptyMonths } from '../stats.service.ts';

/** The monthly trend keeps its time axis: months without problems are empty groups, never dropped. */
describe('monthly trend', () => {
  type Group = { key: string | null; received: number; satisfactionRate: number | null };
  const g = (key: string | null, received: number): Group => ({ key, received, satisfactionRate: 0.5 });
  const empty = (key: string): Group => ({ key, received: 0, satisfactionRate: null });

  it('puts back the months between the first and the last, across a year end', () => {
    const filled = withEmptyMonths([g('2025-11', 3), g('2026-02', 1), g(null, 2)], empty);
    expect(filled.map((x) => x.key)).toEqual(['2025-11', '2025-12', '2026-01', '2026-02', null]);
    expect(filled[1]).toEqual({ key: '2025-12', received: 0, satisfactionRate: null });
    expect(withEmptyMonths([g('2026-03', 1)], empty)).toHaveLength(1);
  });

  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ seed: 'demo' });
  });
  afterAll(() => t.close());

  it('answers every month of the demo in order, a month without ratings with no satisfaction rate', async () => {
    const leader = await t.as('demo-leader');
    const r = await leader.get('/api/stats/summary?groupBy=month');
    expect(r.status).toBe(200);
    const groups = (r.body as { groups: { key: string; rated: number; satisfactionRate: number | null }[] })
      .groups;
    expect(groups.length).toBeGreaterThan(1);
    for (let i = 1; i < groups.length; i++) {
      const [y, m] = groups[i - 1]!.key.split('-').map(Number) as [number, number];
      const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
      expect(groups[i]!.key).toBe(next);
    }
    for (const x of groups) if (x.rated === 0) expect(x.satisfactionRate).toBeNull();
  });
});

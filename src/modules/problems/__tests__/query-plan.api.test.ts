/**
 * One query plan per request: a list's total and a summary's figures are planned once, however many
 * parts of the answer read them (the rollup planners are counted through the module they live in).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';
import * as rollup from '../problems.rollup.ts';

/** How often each rollup planner ran, counted by spies on the module the planners live in. */
const planners = { rollupQueryOf: 0, unitSplitOf: 0, unitStatusSplitOf: 0 };

describe('one query plan per request', () => {
  let t: TestApp;
  let sup: Client;
  let unitHandler: Client;
  let unitId: string;

  beforeAll(async () => {
    for (const name of Object.keys(planners) as (keyof typeof planners)[]) {
      const original = rollup[name] as (...args: unknown[]) => unknown;
      vi.spyOn(rollup, name).mockImplementation(((...args: unknown[]) => {
        planners[name]++;
        return original(...args);
      }) as never);
    }
    t = await startTestApp({ seed: 'demo' });
    sup = await t.as('demo-supervisor');
    unitHandler = await t.as('demo-unit');
    const me = await unitHandler.get('/api/auth/me');
    unitId = me.body.user.unitId;
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await t.close();
  });
  beforeEach(() => {
    planners.rollupQueryOf = 0;
    planners.unitSplitOf = 0;
    planners.unitStatusSplitOf = 0;
  });

  it('plans a grouped summary from the rollup once', async () => {
    const r = await sup.get('/api/stats/summary?groupBy=township&kind=resident');
    expect(r.status).toBe(200);
    expect(r.body.groups.length).toBeGreaterThan(0);
    expect(planners).toEqual({ rollupQueryOf: 1, unitSplitOf: 0, unitStatusSplitOf: 0 });
  });

  it("plans a unit's grouped summary, split between rollup and rows, once", async () => {
    const r = await sup.get(`/api/stats/summary?groupBy=category&unit=${unitId}`);
    expect(r.status).toBe(200);
    expect(r.body.totals.received).toBeGreaterThan(0);
    expect(planners).toEqual({ rollupQueryOf: 1, unitSplitOf: 1, unitStatusSplitOf: 0 });
  });

  it("plans a unit handler's list by status once", async () => {
    const r = await unitHandler.get('/api/problems?status=in_progress&pageSize=5');
    expect(r.status).toBe(200);
    expect(r.body.total).toBeGreaterThanOrEqual(r.body.items.length);
    expect(planners).toEqual({ rollupQueryOf: 1, unitSplitOf: 1, unitStatusSplitOf: 1 });
  });

  it('plans nothing again when the answer is kept for the same data version', async () => {
    const first = await sup.get('/api/problems?status=closed&pageSize=3');
    expect(planners.rollupQueryOf).toBe(1);
    const again = await sup.get('/api/problems?status=closed&pageSize=3');
    expect(again.body).toEqual(first.body);
    expect(planners.rollupQueryOf).toBe(1);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';
import { problemFactory, type ProblemFactory } from '../../../test/factories.ts';

/** Closure indicators: only the problem's domain, inside their ranges, unusual values confirmed and flagged. */
describe('closure indicators', () => {
  let t: TestApp;
  let f: ProblemFactory;
  let unit: Client, supervisor: Client;

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference' });
    f = problemFactory(t);
    unit = await t.as('demo-unit');
    supervisor = await t.as('demo-supervisor');
  });
  afterAll(() => t.close());

  const close = async (indicators: object[]) => {
    const p = await f.inStatus('in_progress', { categoryCode: 'jobs', fields: {} });
    return {
      p,
      r: await unit.post(`/api/problems/${p.id}/actions/request_closure`, { summary: '已办结', indicators }),
    };
  };

  it('lists the indicators of a domain with their units and ranges', async () => {
    const list = (await supervisor.get('/api/indicators?domain=livelihood')).body.items;
    expect(list.map((i: { code: string }) => i.code).sort()).toEqual(['new_jobs', 'residents_served']);
    expect(list.find((i: { code: string }) => i.code === 'new_jobs')).toMatchObject({
      unit: '人',
      whole: true,
      minValue: 0,
      plausibleMax: 2000,
    });
  });

  it('refuses an indicator of another domain, in Chinese and English, and writes nothing', async () => {
    const { p, r } = await close([{ code: 'financing_amount', value: 35_000_000 }]);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain('不属于本问题所在领域');
    expect(r.body.error.message).toContain("does not belong to this problem's domain");
    expect(r.body.error.details).toEqual([{ path: 'indicators.0.code', message: expect.any(String) }]);
    expect((await supervisor.get(`/api/problems/${p.id}`)).body.status).toBe('in_progress');
  });

  it('refuses zero, fractions of people, values beyond the range, and repeats', async () => {
    for (const [indicators, zh, path] of [
      [[{ code: 'new_jobs', value: 0 }], '须大于 0', 'indicators.0.value'],
      [[{ code: 'new_jobs', value: 2.5 }], '须为整数', 'indicators.0.value'],
      [[{ code: 'new_jobs', value: 2_000_000, confirmed: true }], '须在', 'indicators.0.value'],
      [
        [
          { code: 'new_jobs', value: 3 },
          { code: 'new_jobs', value: 4 },
        ],
        '重复',
        'indicators.1.code',
      ],
    ] as const) {
      const { r } = await close(indicators as unknown as object[]);
      expect(r.status, JSON.stringify(indicators)).toBe(400);
      expect(r.body.error.message).toContain(zh);
      expect(r.body.error.details[0].path).toBe(path);
    }
  });

  it('asks for a confirmation of an unusual value, then takes it and flags it to the supervisor', async () => {
    const { p, r } = await close([{ code: 'new_jobs', value: 5000 }]);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain('请核实后以 confirmed: true 提交');
    expect(r.body.error.message).toContain('outside the usual range');
    const ok = await unit.post(`/api/problems/${p.id}/actions/request_closure`, {
      summary: '大型招聘会',
      indicators: [{ code: 'new_jobs', value: 5000, confirmed: true }],
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.result.indicators).toEqual([
      { code: 'new_jobs', name: '新增就业', unit: '人', value: 5000 },
    ]);
    const logged = ok.body.actions.at(-1);
    expect(logged.data.flagged).toEqual(['new_jobs']);
    const flagged = (await supervisor.get('/api/notifications')).body.items.find(
      (n: { problemId: string; kind: string }) => n.problemId === p.id && n.kind === 'indicator_flagged',
    );
    expect(flagged.body).toBe('新增就业 5,000 人');
    // A usual value needs no confirmation.
    const plain = await close([{ code: 'new_jobs', value: 12 }]);
    expect(plain.r.status).toBe(200);
  });
});

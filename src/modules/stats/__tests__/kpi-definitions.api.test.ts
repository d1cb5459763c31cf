import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';
import { problemFactory, reportProblem, type ProblemFactory } from '../../../test/factories.ts';
import { textSimilarity } from '../../../kernel/text.ts';

type Kpis = Record<string, number | null>;
const RATES = [
  'responseRate',
  'onTimeRate',
  'resolutionRate',
  'satisfactionRate',
  'bounceRate',
  'repeatRate',
  'reopenRate',
];

/** Every rate of a KPI set is in [0, 1] (or absent for want of a denominator). */
function expectRatesInRange(k: Kpis, where: string) {
  for (const r of RATES) {
    const v = k[r];
    if (v === null) continue;
    expect(v, `${where} ${r}`).toBeGreaterThanOrEqual(0);
    expect(v, `${where} ${r}`).toBeLessThanOrEqual(1);
  }
}

/** The KPI definitions of docs/kpi-definitions.md, each against a count by hand from the action log. */
describe('KPI definitions', () => {
  let t: TestApp;
  let f: ProblemFactory;
  let supervisor: Client, unit: Client, resident: Client;
  let hr: string;

  beforeAll(async () => {
    // Reports beyond the one-minute limit per address: one test writes more than 50 in a row.
    t = await startTestApp({ seed: 'reference', config: { reportsPerMinute: 10_000 } });
    f = problemFactory(t);
    supervisor = await t.as('demo-supervisor');
    unit = await t.as('demo-unit');
    resident = await t.as('demo-resident');
    hr = (await supervisor.get('/api/units?q=人力资源')).body.items[0].id;
  });
  afterAll(() => t.close());

  const summary = async (q = '') => (await supervisor.get(`/api/stats/summary${q}`)).body;
  const act = async (c: Client, id: string, action: string, body: object = {}) => {
    const r = await c.post(`/api/problems/${id}/actions/${action}`, body);
    expect(r.status, `${action}: ${JSON.stringify(r.body)}`).toBe(200);
    return r.body;
  };
  /** A problem the resident reported, closed with a result, for him to rate. */
  const closedForResident = async (title: string) => {
    const p = await reportProblem(resident, {
      categoryCode: 'jobs',
      title,
      description: `${title}，请帮助解决。`,
      fields: {},
    });
    await act(supervisor, p.id, 'dispatch', { leadUnitId: hr });
    await act(unit, p.id, 'sign');
    await act(unit, p.id, 'request_closure', {
      summary: '已办结',
      indicators: [{ code: 'new_jobs', value: 2 }],
    });
    return act(supervisor, p.id, 'verify');
  };

  it('不满意 keeps counting while the problem is reopened; the next round replaces it', async () => {
    const a = await closedForResident('技能培训报名难');
    const b = await closedForResident('就业补贴申领慢');
    await act(resident, a.id, 'rate', { rating: 'satisfied' });
    const reopened = await act(resident, b.id, 'rate', { rating: 'dissatisfied' });
    // 重办: reopened automatically, its rating cleared for the new round.
    expect(reopened.status).toBe('in_progress');
    expect(reopened.rating).toBeNull();
    let s = await summary();
    expect(s.totals.rated).toBe(2);
    expect(s.totals.satisfactionRate).toBe(0.5);
    expect(s.totals.reopened).toBe(1);
    expect(s.totals.reopenRate).toBe(0.5);
    // The second round, rated 满意: the last round's rating counts.
    await act(unit, b.id, 'request_closure', { summary: '再次办理', indicators: [] });
    await act(supervisor, b.id, 'verify');
    await act(resident, b.id, 'rate', { rating: 'satisfied' });
    s = await summary();
    expect(s.totals.satisfactionRate).toBe(1);
    expect(s.totals.rated).toBe(2);
  });

  it('a merged group counts once: in received, resolved, the indicators and the public results', async () => {
    const before = await summary('?channel=resident');
    const primary = await reportProblem(resident, {
      categoryCode: 'jobs',
      title: '零工市场没有遮雨棚',
      fields: {},
    });
    const dups = [];
    for (let i = 0; i < 2; i++)
      dups.push(
        await reportProblem(resident, { categoryCode: 'jobs', title: `零工市场遮雨 ${i}`, fields: {} }),
      );
    for (const d of dups) await act(supervisor, d.id, 'merge', { intoId: primary.id });
    await act(supervisor, primary.id, 'dispatch', { leadUnitId: hr });
    await act(unit, primary.id, 'sign');
    await act(unit, primary.id, 'request_closure', {
      summary: '已搭建遮雨棚',
      indicators: [{ code: 'new_jobs', value: 5 }],
    });
    const closed = await act(supervisor, primary.id, 'verify');
    expect(closed.status).toBe('closed');
    // Closing the primary closed the duplicates too.
    for (const d of dups) expect((await supervisor.get(`/api/problems/${d.id}`)).body.status).toBe('closed');
    const s = await summary('?channel=resident');
    expect(s.totals.received - before.totals.received).toBe(1);
    expect(s.totals.merged - before.totals.merged).toBe(2);
    expect(s.totals.resolved - before.totals.resolved).toBe(1);
    expect(s.totals.closed - before.totals.closed).toBe(1);
    expectRatesInRange(s.totals, 'channel=resident');
    const jobs = (k: Kpis & { indicators: { code: string; value: number }[] }) =>
      k.indicators.find((i) => i.code === 'new_jobs')!.value;
    expect(jobs(s.totals) - jobs(before.totals)).toBe(5);
    const results = (await t.client().get('/api/results?pageSize=100')).body.items.map(
      (r: { id: string }) => r.id,
    );
    expect(results).toContain(primary.id);
    for (const d of dups) expect(results).not.toContain(d.id);
  });

  it('重复诉求率 counts repeated reports, apart from the share reopened', async () => {
    const before = await summary();
    const first = await reportProblem(resident, {
      categoryCode: 'jobs',
      title: '小区门口路灯不亮',
      description: '小区门口的路灯已经坏了一个月，晚上出行不安全。',
      fields: {},
    });
    const again = await reportProblem(resident, {
      categoryCode: 'jobs',
      title: '小区门口路灯还是不亮',
      description: '小区门口的路灯已经坏了一个月，晚上出行不安全，请尽快修。',
      fields: {},
    });
    await reportProblem(resident, {
      categoryCode: 'jobs',
      title: '希望增加公益岗位',
      description: '社区里的困难群众想找份离家近的工作。',
      fields: {},
    });
    const row = await t.ctx.db
      .selectFrom('problems')
      .select('repeat_of_id')
      .where('id', '=', again.id)
      .executeTakeFirstOrThrow();
    expect(row.repeat_of_id).toBe(first.id);
    const s = await summary();
    expect(s.totals.repeated - before.totals.repeated).toBe(1);
    expect(s.totals.repeatRate).toBe(Math.round((s.totals.repeated / s.totals.received) * 10000) / 10000);
    expect(s.totals.reopened).toBe(before.totals.reopened);
  });

  /**
   * The repeats of the reports `ids` as the definition reads plainly: every earlier report (lower number) of
   * the same person or village in the last 30 days, the latest 50 of them, the most alike at 0.5 or more,
   * the newer of equals. Returns what each was marked with.
   */
  const expectRepeatsAsDefined = async (ids: Set<string>) => {
    const rows = await t.ctx.db
      .selectFrom('problems')
      .select([
        'id',
        'number',
        'title',
        'description',
        'created_at',
        'reporter_user_id',
        'village_code',
        'repeat_of_id',
      ])
      .where('jurisdiction_id', '=', t.ctx.jurisdictions[0]!.id)
      .orderBy('number')
      .execute();
    const newest = (x: (typeof rows)[number], y: (typeof rows)[number]) =>
      x.created_at !== y.created_at ? (x.created_at < y.created_at ? 1 : -1) : x.number < y.number ? 1 : -1;
    for (const [i, r] of rows.entries()) {
      if (!ids.has(r.id)) continue;
      const since = new Date(Date.parse(r.created_at) - 30 * 86_400_000).toISOString();
      const candidates = rows
        .slice(0, i)
        .filter(
          (c) =>
            c.created_at >= since &&
            ((r.reporter_user_id !== null && c.reporter_user_id === r.reporter_user_id) ||
              (r.village_code !== null && c.village_code === r.village_code)),
        )
        .sort(newest)
        .slice(0, 50);
      let best: { id: string; score: number } | null = null;
      for (const c of candidates) {
        const score = textSimilarity(`${r.title}\n${r.description}`, `${c.title}\n${c.description}`);
        if (score >= 0.5 && (!best || score > best.score)) best = { id: c.id, score };
      }
      expect(r.repeat_of_id, r.number).toBe(best?.id ?? null);
    }
    return new Map(rows.map((r) => [r.id, r.repeat_of_id]));
  };

  it('reports written together are marked as repeats as the plain definition marks them', async () => {
    // Sent at once, so the group commit writes several in one batch; texts alike, unlike and the same.
    const texts = [
      ['路灯不亮', '文化路的路灯不亮了，晚上很黑。'],
      ['路灯还是不亮', '文化路的路灯不亮了，晚上很黑，请尽快修。'],
      ['路灯不亮', '文化路的路灯不亮了，晚上很黑。'],
      ['垃圾没人清', '菜市场旁边的垃圾堆了三天没人清理。'],
      ['垃圾没人清理', '菜市场旁边的垃圾堆了三天没人清理，气味很大。'],
      ['想找工作', '社区里的困难群众想找份离家近的工作。'],
    ];
    const reporters = [resident, supervisor];
    const villages = ['430202001001', '430202001002'];
    const sent = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        reportProblem(reporters[i % 2]!, {
          categoryCode: 'jobs',
          title: texts[i % texts.length]![0],
          description: texts[(i * 5) % texts.length]![1],
          villageCode: villages[Math.floor(i / 3) % 2],
          fields: {},
        }),
      ),
    );
    const ids = new Set(sent.map((p: { id: string }) => p.id));
    const marked = await expectRepeatsAsDefined(ids);
    expect([...ids].filter((id) => marked.get(id) !== null).length).toBeGreaterThan(12);
  });

  it('a report the same as one past the latest 50 is no repeat of it; the same as an older one of them is', async () => {
    const same = { title: '井盖丢失', description: '人民路口的井盖丢了，晚上走路很危险。' };
    // A few seconds apart, so that "the latest 50" is one list whatever order the database keeps equals in.
    const report = (title: string, description: string) => {
      t.clock!.advanceHours(0.001);
      return reportProblem(resident, {
        categoryCode: 'jobs',
        title,
        description,
        villageCode: '430202001003',
        fields: {},
      });
    };
    // One at a time, each written on its own: the earlier reports are read from the database.
    const sent = [await report(same.title, same.description)];
    for (let i = 0; i < 52; i++)
      sent.push(await report(`第${i}件事`, `编号${i * 7919}的事情需要处理，内容各不相同${i}。`));
    const again = await report(same.title, same.description);
    const older = await report('第49件事', `编号${49 * 7919}的事情需要处理，内容各不相同49。`);
    const marked = await expectRepeatsAsDefined(new Set([...sent, again, older].map((p) => p.id)));
    expect(marked.get(again.id)).not.toBe(sent[0]!.id);
    expect(marked.get(older.id)).toBe(sent[50]!.id);
  });

  it('labels groups by name, groups by official, and counts 督办 and overdue problems per unit', async () => {
    const campaign = await supervisor.post('/api/campaigns', { name: '调研活动', startsOn: '2026-01-01' });
    expect(campaign.status).toBe(201);
    const topic = await supervisor.post('/api/topics', {
      campaignId: campaign.body.id,
      title: '就业服务调研',
      domain: 'livelihood',
      leadOfficialName: '李局长',
    });
    expect(topic.status, JSON.stringify(topic.body)).toBe(201);
    await reportProblem(supervisor, {
      categoryCode: 'jobs',
      title: '课题问题',
      topicId: topic.body.id,
      fields: {},
    });
    const byTopic = await summary('?groupBy=topic');
    expect(byTopic.groups.find((g: { key: string }) => g.key === topic.body.id).label).toBe('就业服务调研');
    const byOfficial = await summary('?groupBy=official');
    const li = byOfficial.groups.find((g: { label: string }) => g.label === '李局长');
    expect(li.received).toBe(1);
    expect(byOfficial.groups.reduce((n: number, g: { received: number }) => n + g.received, 0)).toBe(
      byOfficial.totals.received,
    );
    const pressed = await f.inStatus('in_progress', { categoryCode: 'jobs', fields: {} });
    const byUnit0 = await summary('?groupBy=unit');
    const hr0 = byUnit0.groups.find((g: { key: string }) => g.key === hr);
    await act(supervisor, pressed.id, 'press', { note: '请加快' });
    await act(supervisor, pressed.id, 'press', { note: '再次督办' });
    // The deadline scan marks it overdue a day after its deadline.
    await t.ctx.db
      .updateTable('problems')
      .set({ close_due_at: '2020-01-01T00:00:00.000Z' })
      .where('id', '=', pressed.id)
      .execute();
    const { runDeadlineScan } = await import('../../problems/index.ts');
    await runDeadlineScan(t.ctx);
    const byUnit = await summary('?groupBy=unit');
    const hr1 = byUnit.groups.find((g: { key: string }) => g.key === hr);
    expect(hr1.label).toBe(hr0.label);
    expect(hr1.label).toContain('人力资源');
    expect(hr1.presses - hr0.presses).toBe(2);
    expect(hr1.overdue - hr0.overdue).toBe(1);
  });

  it('keeps every rate in [0, 1] and equal to a count from the log, over random action sequences', async () => {
    let seed = 20;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor(seed / 65536) % n;
    };
    const ids: string[] = [];
    for (let step = 0; step < 90; step++) {
      if (ids.length < 3 || rnd(5) === 0) {
        ids.push(
          (
            await reportProblem(resident, {
              categoryCode: 'jobs',
              title: `随机 ${step}`,
              description: `第${step}件`,
              fields: {},
            })
          ).id,
        );
      } else {
        const id = ids[rnd(ids.length)]!;
        const p = (await supervisor.get(`/api/problems/${id}`)).body;
        const other = ids.find((x) => x !== id)!;
        const choices: Record<string, [Client, string, object][]> = {
          submitted: [
            [supervisor, 'dispatch', { leadUnitId: hr }],
            [supervisor, 'merge', { intoId: other }],
            [supervisor, 'reject', { reason: '不予受理' }],
          ],
          assigned: [
            [unit, 'sign', {}],
            [unit, 'bounce', { reason: '职能不符' }],
            [supervisor, 'press', { note: '督办' }],
          ],
          bounced: [[supervisor, 'dispatch', { leadUnitId: hr }]],
          in_progress: [
            [unit, 'request_closure', { summary: '办结', indicators: [{ code: 'new_jobs', value: 1 }] }],
            [supervisor, 'press', { note: '督办' }],
            [supervisor, 'merge', { intoId: other }],
          ],
          closure_requested: [
            [supervisor, 'verify', {}],
            [supervisor, 'send_back', { reason: '材料不全' }],
          ],
          closed: p.rating
            ? [[supervisor, 'reopen', { reason: '复查' }]]
            : [[resident, 'rate', { rating: ['satisfied', 'basically_satisfied', 'dissatisfied'][rnd(3)] }]],
        };
        const options = choices[p.status] ?? [];
        if (options.length) {
          const [c, action, body] = options[rnd(options.length)]!;
          const r = await c.post(`/api/problems/${id}/actions/${action}`, body);
          // A merge into a closed or merged problem is refused (409); nothing is written then.
          expect([200, 409], JSON.stringify(r.body)).toContain(r.status);
        }
      }
      if (step % 10 !== 9) continue;
      const s = await summary('?groupBy=unit');
      expectRatesInRange(s.totals, `step ${step}`);
      for (const g of s.groups) expectRatesInRange(g, `step ${step} ${g.label}`);
      // By hand, from the log: the last rating of each problem not merged away, and the problems counted.
      const rows = await t.ctx.db.selectFrom('problems').select(['id', 'merged_into_id', 'status']).execute();
      const own = new Set(rows.filter((r) => r.merged_into_id === null).map((r) => r.id));
      const log = await t.ctx.db
        .selectFrom('actions')
        .select(['problem_id', 'action', 'data'])
        .orderBy('seq')
        .execute();
      const last = new Map<string, string>();
      const presses = new Map<string, number>();
      const reopened = new Set<string>();
      for (const a of log) {
        if (a.action === 'rate') last.set(a.problem_id, JSON.parse(a.data).rating);
        if (a.action === 'press') presses.set(a.problem_id, (presses.get(a.problem_id) ?? 0) + 1);
        if (a.action === 'reopen') reopened.add(a.problem_id);
      }
      const ratings = [...last].filter(([id]) => own.has(id)).map(([, r]) => r);
      expect(s.totals.received).toBe(own.size);
      expect(s.totals.merged).toBe(rows.length - own.size);
      expect(s.totals.rated).toBe(ratings.length);
      const good = ratings.filter((r) => r !== 'dissatisfied').length;
      expect(s.totals.satisfactionRate).toBe(
        ratings.length ? Math.round((good / ratings.length) * 10000) / 10000 : null,
      );
      expect(s.totals.presses).toBe(
        [...presses].filter(([id]) => own.has(id)).reduce((n, [, k]) => n + k, 0),
      );
      expect(s.totals.reopened).toBe([...reopened].filter((id) => own.has(id)).length);
    }
  });
});

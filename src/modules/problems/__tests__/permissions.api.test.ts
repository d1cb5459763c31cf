import { DEMO_USERS } from '../../../demo/hetang.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';
import type { Visibility } from '../problems.policy.ts';
import { SORT_FIELDS, unitPageForm, type FilterContext, type SortKey } from '../problems.filters.ts';
import { problemsRepository } from '../problems.repository.ts';
import type { ProblemFilters } from '../problems.schema.ts';

const USERS = DEMO_USERS;
type U = (typeof USERS)[number];

/** Every action with every role: exactly the allowed ones succeed; the rest get 403, or 404 where they cannot see it. */
describe('who may do what', () => {
  let t: TestApp;
  const c = {} as Record<U, Client>;
  let hr: string;
  // 仙庾镇: outside demo-street's township (月塘街道).
  const village = '430202100204';

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference' });
    for (const u of USERS) c[u] = await t.as(u);
    hr = (await c['demo-admin'].get('/api/units?q=人力资源')).body.items[0].id;
  });
  afterAll(() => t.close());

  const act = (u: U, id: string, action: string, body: unknown = {}) =>
    c[u].post(`/api/problems/${id}/actions/${action}`, body);
  const newProblem = async () => {
    const r = await c['demo-resident'].post('/api/problems', {
      categoryCode: 'jobs',
      title: '求职登记',
      description: '希望参加技能培训',
      villageCode: village,
    });
    expect(r.status).toBe(201);
    return r.body.id as string;
  };
  /** Brings a fresh problem to the state an action starts from. */
  const setups: Record<string, (id: string) => Promise<void>> = {
    submitted: async () => undefined,
    returned: async (id) => void (await act('demo-supervisor', id, 'return', { reason: '补充' })),
    assigned: async (id) => void (await act('demo-supervisor', id, 'dispatch', { leadUnitId: hr })),
    in_progress: async (id) => {
      await act('demo-supervisor', id, 'dispatch', { leadUnitId: hr });
      await act('demo-unit', id, 'sign');
    },
    extension_pending: async (id) => {
      await setups.in_progress!(id);
      await act('demo-unit', id, 'request_extension', { until: '2030-01-01T00:00:00Z', reason: '协调中' });
    },
    closure_requested: async (id) => {
      await setups.in_progress!(id);
      await act('demo-unit', id, 'request_closure', { summary: '已办结', indicators: [] });
    },
    closed: async (id) => {
      await setups.closure_requested!(id);
      await act('demo-supervisor', id, 'verify');
    },
  };
  const cases: [string, keyof typeof setups, Record<string, unknown>, U[]][] = [
    ['resubmit', 'returned', {}, ['demo-resident']],
    ['return', 'submitted', { reason: '补充' }, ['demo-supervisor']],
    ['reject', 'submitted', { reason: '不属于受理范围' }, ['demo-supervisor']],
    ['dispatch', 'submitted', { leadUnitId: 'HR' }, ['demo-supervisor']],
    ['sign', 'assigned', {}, ['demo-unit']],
    ['bounce', 'assigned', { reason: '职能不符' }, ['demo-unit']],
    ['progress', 'in_progress', { note: '进展' }, ['demo-unit']],
    ['request_extension', 'in_progress', { until: '2030-01-01T00:00:00Z', reason: '协调中' }, ['demo-unit']],
    ['decide_extension', 'extension_pending', { approve: true }, ['demo-supervisor']],
    ['request_closure', 'in_progress', { summary: '已办结', indicators: [] }, ['demo-unit']],
    ['send_back', 'closure_requested', { reason: '材料不全' }, ['demo-supervisor']],
    ['verify', 'closure_requested', {}, ['demo-supervisor']],
    // The 12345 operator records the reporter's rating from a 回访 call, as the supervisor may.
    ['rate', 'closed', { rating: 'satisfied' }, ['demo-resident', 'demo-supervisor', 'demo-operator']],
    ['reopen', 'closed', { reason: '复查' }, ['demo-supervisor']],
    ['press', 'in_progress', { note: '加快' }, ['demo-supervisor']],
    ['merge', 'submitted', { intoId: 'OTHER' }, ['demo-supervisor']],
  ];

  for (const [action, state, rawBody, allowed] of cases) {
    it(`${action}: allowed for ${allowed.join(', ')} only`, async () => {
      for (const winner of allowed) {
        const id = await newProblem();
        await setups[state]!(id);
        const body = { ...rawBody };
        if (body.leadUnitId === 'HR') body.leadUnitId = hr;
        if (body.intoId === 'OTHER') body.intoId = await newProblem();
        for (const u of USERS) {
          if (allowed.includes(u)) continue;
          // Who can see the problem is told 403; who cannot see it (demo-street outside his township, a unit
          // before dispatch, another resident) is told 404, so that its existence does not leak.
          const sees = (await c[u].get(`/api/problems/${id}`)).status === 200;
          const r = await act(u, id, action, body);
          expect(r.status, `${u} ${action} → ${r.status} ${JSON.stringify(r.body)}`).toBe(sees ? 403 : 404);
          if (u === 'demo-street' || u === 'demo-enterprise') expect(sees).toBe(false);
          if (u === 'demo-admin' || u === 'demo-leader') expect(sees).toBe(true);
        }
        const ok = await act(winner, id, action, body);
        expect(ok.status, `${winner} ${action}: ${JSON.stringify(ok.body)}`).toBe(200);
      }
    });
  }

  it('answers 409 when the status does not allow the action, and 400 for a malformed body', async () => {
    const id = await newProblem();
    let r = await act('demo-supervisor', id, 'verify');
    expect(r.status).toBe(409);
    expect(r.body.error.message).toContain('verify');
    r = await act('demo-supervisor', id, 'dispatch', { leadUnitId: 42 });
    expect(r.status).toBe(400);
    expect(r.body.error.details[0].path).toBe('leadUnitId');
    r = await act('demo-supervisor', id, 'dispatch', { leadUnitId: 'no-such-unit' });
    expect(r.status).toBe(400);
    r = await act('demo-supervisor', id, 'fly');
    expect(r.status).toBe(404);
  });

  it('never lets a unit verify its own work, even a supervisor who belongs to it', async () => {
    const admin = c['demo-admin'];
    const created = await admin.post('/api/users', {
      username: 'hr-supervisor',
      displayName: '人社兼督查',
      password: 'Secret-pass-2024',
      unitId: hr,
      roles: ['supervisor', 'unit_handler'],
      scope: { kind: 'jurisdiction', ref: null },
    });
    expect(created.status).toBe(201);
    const both = t.client();
    expect((await both.login('hr-supervisor', 'Secret-pass-2024')).status).toBe(200);
    const id = await newProblem();
    await setups.closure_requested!(id);
    const r = await both.post(`/api/problems/${id}/actions/verify`, {});
    expect(r.status).toBe(403);
    expect(r.body.error.message).toContain('own work');
    expect((await act('demo-supervisor', id, 'verify')).status).toBe(200);
  });

  it('keeps a handler to his scope: demo-street sees his township only', async () => {
    const outside = await newProblem();
    const inside = (
      await c['demo-resident'].post('/api/problems', {
        categoryCode: 'roads',
        title: '路灯损坏',
        description: '夜间漆黑',
        villageCode: '430202001001',
        fields: { hazard: '一般' },
      })
    ).body.id;
    expect((await c['demo-street'].get(`/api/problems/${outside}`)).status).toBe(404);
    expect((await c['demo-street'].get(`/api/problems/${inside}`)).status).toBe(200);
    const list = await c['demo-street'].get('/api/problems?pageSize=500');
    const ids = list.body.items.map((i: { id: string }) => i.id);
    expect(ids).toContain(inside);
    expect(ids).not.toContain(outside);
    expect(list.body.items.every((i: { townshipCode: string }) => i.townshipCode === '430202001')).toBe(true);
    // A resident sees only his own reports; another resident's report is invisible.
    expect((await c['demo-enterprise'].get(`/api/problems/${inside}`)).status).toBe(404);
    // Lists mask phone numbers; the supervisor's detail view shows the full number.
    const sup = await c['demo-supervisor'].get(`/api/problems?pageSize=5`);
    expect(sup.body.items[0].reporter.phone).toMatch(/^\d{3}\*{4}\d{4}$/);
    expect((await c['demo-supervisor'].get(`/api/problems/${inside}`)).body.reporter.phone).toBe(
      '13907330001',
    );
  });

  it('shows a unit the problems it leads or supports, in its list, its total and the unit filter', async () => {
    const other = (await c['demo-admin'].get('/api/units?q=住房')).body.items[0].id as string;
    expect(other).toBeTruthy();
    const led = await newProblem();
    const supported = await newProblem();
    const elsewhere = await newProblem();
    const undispatched = await newProblem();
    expect((await act('demo-supervisor', led, 'dispatch', { leadUnitId: hr })).status).toBe(200);
    expect(
      (await act('demo-supervisor', supported, 'dispatch', { leadUnitId: other, supportingUnitIds: [hr] }))
        .status,
    ).toBe(200);
    expect((await act('demo-supervisor', elsewhere, 'dispatch', { leadUnitId: other })).status).toBe(200);
    // Re-dispatched away from the unit: no longer its problem.
    const moved = await newProblem();
    await act('demo-supervisor', moved, 'dispatch', { leadUnitId: hr });
    await act('demo-unit', moved, 'bounce', { reason: '不属于本单位职责' });
    expect((await act('demo-supervisor', moved, 'dispatch', { leadUnitId: other })).status).toBe(200);

    // The handler's own report, not dispatched: his to see as its reporter, not as the unit's.
    const own = await c['demo-unit'].post('/api/problems', {
      categoryCode: 'roads',
      title: '单位门口路灯不亮',
      description: '晚上看不见路',
      villageCode: village,
      fields: { hazard: '一般' },
    });
    expect(own.status).toBe(201);

    const list = await c['demo-unit'].get('/api/problems?pageSize=500');
    const ids = list.body.items.map((i: { id: string }) => i.id);
    expect(ids).toEqual(expect.arrayContaining([led, supported, own.body.id]));
    for (const id of [elsewhere, undispatched, moved]) expect(ids).not.toContain(id);
    expect(list.body.total).toBe(ids.length);
    // The same scope counted by the statistics.
    const stats = await c['demo-unit'].get('/api/stats/summary');
    expect(stats.status).toBe(200);
    expect(stats.body.totals.received).toBe(ids.length);
    // The supervisor's unit filter: what the unit leads or supports, with the same total.
    const filtered = await c['demo-supervisor'].get(`/api/problems?pageSize=500&unit=${hr}`);
    const unitIds = ids.filter((id: string) => id !== own.body.id);
    expect(filtered.body.items.map((i: { id: string }) => i.id).sort()).toEqual([...unitIds].sort());
    expect(filtered.body.total).toBe(unitIds.length);
    const theirs = await c['demo-supervisor'].get(`/api/problems?pageSize=500&unit=${other}`);
    const theirIds = theirs.body.items.map((i: { id: string }) => i.id);
    expect(theirIds).toEqual(expect.arrayContaining([supported, elsewhere, moved]));
    expect(theirIds).not.toContain(led);
    expect(theirs.body.total).toBe(theirIds.length);
    // By status alone, the problems a unit leads are counted from the index of lead units by status and the
    // rest (supported, his own report) from the rows: the totals are still what the lists hold.
    const assigned = await c['demo-unit'].get('/api/problems?pageSize=500&status=assigned');
    expect(assigned.body.items.map((i: { id: string }) => i.id)).toEqual(
      expect.arrayContaining([led, supported]),
    );
    for (const status of ['assigned', 'submitted', 'assigned,in_progress,submitted', 'closed']) {
      const mine = await c['demo-unit'].get(`/api/problems?pageSize=500&status=${status}`);
      expect(mine.body.total, status).toBe(mine.body.items.length);
      const byUnit = await c['demo-supervisor'].get(`/api/problems?pageSize=500&unit=${hr}&status=${status}`);
      expect(byUnit.body.total, status).toBe(byUnit.body.items.length);
    }

    // A page reads a small unit's problems as a set and a big one's row by row (unitPageForm): both forms give
    // the same pages, in every order, for the handler's scope and for the unit filter.
    const me = (await c['demo-unit'].get('/api/auth/me')).body.user;
    const scope: Visibility = {
      all: false,
      townships: [],
      unitIds: [hr],
      reporterId: me.id,
      topicLeadId: null,
    };
    const fc = (filters: ProblemFilters, visibility: Visibility | null): FilterContext => ({
      jurisdictionId: t.ctx.jurisdictions[0]!.id,
      filters,
      visibility,
      now: t.ctx.clock.now().toISOString(),
      dialect: t.ctx.dialect,
    });
    for (const [filters, visibility, expected] of [
      [{}, scope, ids],
      [{ unit: hr }, null, unitIds],
    ] as const) {
      expect(await unitPageForm(t.ctx.db, fc(filters, visibility))).toBe('set');
      expect(await unitPageForm(t.ctx.db, fc(filters, visibility), 1)).toBe('row');
      for (const sort of Object.keys(SORT_FIELDS) as SortKey[])
        for (const desc of [false, true]) {
          const walk = async (setMax: number) => {
            const out: string[] = [];
            for (let offset = 0; ; offset += 7) {
              const rows = await problemsRepository.list(
                t.ctx.db,
                fc(filters, visibility),
                sort,
                desc,
                7,
                offset,
                undefined,
                setMax,
              );
              out.push(...rows.map((r) => r.id));
              if (rows.length < 7) return out;
            }
          };
          const byRow = await walk(1);
          expect([...byRow].sort()).toEqual([...expected].sort());
          expect(await walk(1_000)).toEqual(byRow);
        }
    }
  });

  it('refuses anonymous writes and cookie writes without the CSRF token', async () => {
    const anon = t.client();
    expect((await anon.post('/api/problems', {})).status).toBe(401);
    const noCsrf = await t.as('demo-supervisor');
    noCsrf.csrf = null;
    const id = await newProblem();
    const r = await noCsrf.post(`/api/problems/${id}/actions/return`, { reason: 'x' });
    expect(r.status).toBe(403);
    expect(r.body.error.message).toContain('CSRF');
  });
});

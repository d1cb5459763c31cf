import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../../kernel/roles.ts';
import { principalOfUser } from '../../auth/index.ts';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';
import { listOrders } from '../care.service.ts';
import { CareOrderList, ListCareOrdersQuery } from '../care.schema.ts';

/** The lists each viewer asks for after every write. */
const QUERIES = [
  'pageSize=50',
  'status=confirmed&pageSize=20',
  'flagged=1',
  'kind=cleaning&page=2&pageSize=5',
];

/**
 * The care order list is kept per data version and viewer (listOrdersAnswer): after each of many random
 * writes (order actions by whoever may take them, new orders, changes of an elder's record and contacts, a
 * new worker) every viewer's kept answer equals the list read from the rows at that moment, masking and
 * allowed actions included, and the supervisor's page is the plain rows in the list's order.
 */
describe('the care order list stays exact after every write', () => {
  let t: TestApp;
  const viewers: { name: string; client: Client; principal: Principal }[] = [];

  beforeAll(async () => {
    t = await startTestApp({ seed: 'demo' });
    for (const name of ['demo-supervisor', 'demo-elder', 'demo-caregiver', 'demo-station']) {
      const client = await t.as(name);
      const me = (await client.get('/api/auth/me')).body.user;
      const principal = await principalOfUser(t.ctx, t.ctx.jurisdictions[0]!.id, me.id, 'session');
      viewers.push({ name, client, principal: principal! });
    }
  });
  afterAll(() => t.close());

  /** Every viewer's kept list equals the one read from the rows now. */
  async function expectExact(step: number) {
    for (const v of viewers)
      for (const qs of QUERIES) {
        const kept = await v.client.get(`/api/care/orders?${qs}`);
        expect(kept.status).toBe(200);
        const q = ListCareOrdersQuery.parse(Object.fromEntries(new URLSearchParams(qs)));
        const fresh = CareOrderList.parse(await listOrders(t.ctx, v.principal, q));
        expect(kept.body, `${v.name} ${qs} after step ${step}`).toEqual(JSON.parse(JSON.stringify(fresh)));
      }
    const rows = await t.ctx.db
      .selectFrom('care_orders')
      .select(['id', 'status'])
      .orderBy('urgent', 'desc')
      .orderBy('id', 'desc')
      .limit(50)
      .execute();
    const sup = (await viewers[0]!.client.get('/api/care/orders?pageSize=50')).body;
    expect(sup.items.map((o: { id: string; status: string }) => [o.id, o.status])).toEqual(
      rows.map((r) => [r.id, r.status]),
    );
    expect(sup.total).toBe(
      Number(
        (
          await t.ctx.db
            .selectFrom('care_orders')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    );
  }

  it('matches after 40 random writes', { timeout: 300_000 }, async () => {
    let seed = 11;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor(seed / 65536) % n;
    };
    const [sup, elder, caregiver] = viewers.map((v) => v.client) as [Client, Client, Client];
    const personId: string = (await elder.get('/api/care/me')).body.persons[0].id;
    const { id: workerId, providerId } = (await caregiver.get('/api/care/me')).body.worker as {
      id: string;
      providerId: string;
    };
    const bodies: Record<string, () => unknown> = {
      reject: () => ({ reason: '人手不足' }),
      assign: () => ({ workerId }),
      check_in: () => ({ lat: 27.86, lng: 113.17, photos: [] }),
      check_out: () => ({ photos: [] }),
      rate: () => ({ level: ['satisfied', 'very_satisfied', 'dissatisfied'][rnd(3)] }),
      dispute: () => ({ reason: '服务时间不足' }),
      resolve: () => ({ note: '已核实' }),
      fail: () => ({ reason: 'not_home' }),
      clear_flags: () => ({ note: '已核查' }),
      cancel: () => ({}),
    };
    await expectExact(0);
    for (let step = 1; step <= 40; step++) {
      const choice = rnd(10);
      if (choice === 0) {
        const r = await elder.post('/api/care/orders', {
          kind: 'cleaning',
          scheduledAt: new Date(t.ctx.clock.now().getTime() + 86_400_000).toISOString(),
        });
        expect(r.status, JSON.stringify(r.body)).toBe(201);
      } else if (choice === 1) {
        const r = await sup.request('PATCH', `/api/registry/persons/${personId}`, {
          phone: `139073${String(10000 + step).slice(-5)}`,
          name: step % 2 ? '张大爷' : '张老伯',
        });
        expect(r.status, JSON.stringify(r.body)).toBe(200);
      } else if (choice === 2) {
        const r = await sup.post(`/api/directory/providers/${providerId}/workers`, {
          name: `护理员${step}`,
          qualifications: [],
        });
        expect(r.status, JSON.stringify(r.body)).toBe(201);
      } else {
        // An action some viewer may take on an order of their list.
        const v = viewers[rnd(viewers.length)]!;
        const list = (await v.client.get('/api/care/orders?pageSize=50')).body.items as {
          id: string;
          allowedActions: string[];
        }[];
        const candidates = list.filter((o) =>
          o.allowedActions.some((a) => a in bodies || (a === 'confirm' && v.name !== 'demo-caregiver')),
        );
        if (candidates.length === 0) continue;
        const o = candidates[rnd(candidates.length)]!;
        const actions = o.allowedActions.filter(
          (a) => a in bodies || (a === 'confirm' && v.name !== 'demo-caregiver'),
        );
        const a = actions[rnd(actions.length)]!;
        const r = await v.client.post(`/api/care/orders/${o.id}/actions/${a}`, bodies[a]?.() ?? {});
        // A worker check-in or out may be refused for the visit's evidence rules: a 4xx, never a 500.
        expect(r.status, `${v.name} ${a}: ${JSON.stringify(r.body)}`).toBeLessThan(500);
      }
      await expectExact(step);
    }
  });
});

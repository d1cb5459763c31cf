import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';
import { idNumberFor } from '../../../test/services.factories.ts';

/**
 * The registry: ID numbers checked and encrypted, lists masked, sensitive fields refused without a
 * consent or basis (PIPL 28/29/31), every read of a record in the access log, small cells hidden.
 */
describe('registry of persons', () => {
  let t: TestApp;
  let sup: Client;
  let resident: Client;
  const village = '430202001001';

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference' });
    sup = await t.as('demo-supervisor');
    resident = await t.as('demo-resident');
  });
  afterAll(() => t.close());

  const person = (over: Record<string, unknown> = {}) => ({
    name: '李奶奶',
    idNumber: idNumberFor('1948-05-02', 202),
    phone: '13907331234',
    villageCode: village,
    tags: ['高龄', '独居'],
    livingAlone: true,
    ...over,
  });

  it('refuses an ID number with a wrong check digit (400) and derives birth date and gender', async () => {
    const good = idNumberFor('1948-05-02', 202);
    const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    const r = await sup.post('/api/registry/persons', person({ idNumber: bad }));
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/校验位/);
    const ok = await sup.post('/api/registry/persons', person());
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({
      birthDate: '1948-05-02',
      gender: 'female',
      idNumber: '430202********' + good.slice(-4),
    });
    const dup = await sup.post('/api/registry/persons', person());
    expect(dup.status).toBe(409);
  });

  it('stores the ID number encrypted, with a lookup hash, never in clear', async () => {
    const rows = await t.ctx.db.selectFrom('persons').select(['id_number_enc', 'id_number_hash']).execute();
    const id = idNumberFor('1948-05-02', 202);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.id_number_enc).not.toContain(id);
      expect(t.ctx.cipher.decrypt(r.id_number_enc!)).toMatch(/^\d{17}[\dX]$/);
    }
    expect(rows.some((r) => r.id_number_hash === t.ctx.cipher.lookupHash(id))).toBe(true);
  });

  it('masks phone and ID in lists and leaves sensitive fields out', async () => {
    const r = await sup.get('/api/registry/persons?tag=高龄');
    expect(r.status).toBe(200);
    expect(r.body.total).toBeGreaterThan(0);
    for (const p of r.body.items) {
      expect(p.phone).toMatch(/^\d{3}\*{4}\d{4}$/);
      expect(p.idNumber).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
      expect(p).not.toHaveProperty('ethnicity');
    }
    expect(JSON.stringify(r.body)).not.toContain('13907331234');
  });

  it('refuses ethnicity or a disability level without a consent or basis, accepts them with one', async () => {
    const noBasis = await sup.post(
      '/api/registry/persons',
      person({ idNumber: idNumberFor('1950-01-01', 301), ethnicity: '土家族' }),
    );
    expect(noBasis.status).toBe(422);
    expect(noBasis.body.error.code).toBe('consent_required');
    // The person's plain consent is not the separate consent sensitive data needs (PIPL 29).
    const plain = await sup.post(
      '/api/registry/persons',
      person({
        idNumber: idNumberFor('1950-01-01', 301),
        ethnicity: '土家族',
        consent: {
          purpose: '民族团结服务站走访',
          lawfulBasis: 'consent',
          scope: ['ethnicity'],
          grantedBy: '本人',
        },
      }),
    );
    expect(plain.status).toBe(422);
    const ok = await sup.post(
      '/api/registry/persons',
      person({
        idNumber: idNumberFor('1950-01-01', 301),
        ethnicity: '土家族',
        consent: {
          purpose: '民族团结服务站走访',
          lawfulBasis: 'separate_consent',
          scope: ['ethnicity'],
          grantedBy: '本人',
        },
      }),
    );
    expect(ok.status).toBe(201);
    expect(ok.body.ethnicity).toBe('土家族');
    const patch = await sup.request('PATCH', `/api/registry/persons/${ok.body.id}`, { disabilityLevel: 2 });
    expect(patch.status).toBe(422);
    const withBasis = await sup.request('PATCH', `/api/registry/persons/${ok.body.id}`, {
      disabilityLevel: 2,
      consent: {
        purpose: '失能等级评估',
        lawfulBasis: 'legal_duty',
        scope: ['disabilityLevel'],
        grantedBy: '区民政局',
      },
    });
    expect(withBasis.status).toBe(200);
    expect(withBasis.body.disabilityLevel).toBe(2);
  });

  it("treats every field of a child under 14 as sensitive: only a guardian's consent or a basis", async () => {
    const child = { name: '小明', idNumber: idNumberFor('2016-06-01', 111), villageCode: village };
    expect((await sup.post('/api/registry/persons', child)).status).toBe(422);
    const own = await sup.post('/api/registry/persons', {
      ...child,
      consent: { purpose: '爱蕾小屋', lawfulBasis: 'consent', scope: ['*'], grantedBy: '本人' },
    });
    expect(own.status).toBe(422);
    const guardian = await sup.post('/api/registry/persons', {
      ...child,
      consent: { purpose: '爱蕾小屋', lawfulBasis: 'guardian_consent', scope: ['*'], grantedBy: '母亲 王某' },
    });
    expect(guardian.status).toBe(201);
  });

  it('writes an access-log row for every read of a record, readable by a supervisor only', async () => {
    const list = await sup.get('/api/registry/persons');
    const id = list.body.items[0].id;
    const before = (await sup.get(`/api/registry/access-log?personId=${id}`)).body.items.length;
    for (let i = 0; i < 3; i++)
      expect((await sup.get(`/api/registry/persons/${id}?purpose=上门核实`)).status).toBe(200);
    const log = await sup.get(`/api/registry/access-log?personId=${id}`);
    expect(log.body.items.length).toBe(before + 3);
    expect(log.body.items[0]).toMatchObject({ personId: id, actorName: '周督查', purpose: '上门核实' });
    expect((await resident.get('/api/registry/access-log')).status).toBe(403);
    expect((await resident.get(`/api/registry/persons/${id}`)).status).toBe(404);
  });

  it('erases sensitive fields when the consent covering them is withdrawn', async () => {
    const created = await sup.post(
      '/api/registry/persons',
      person({
        idNumber: idNumberFor('1949-02-03', 401),
        ethnicity: '回族',
        consent: {
          purpose: '节日走访',
          lawfulBasis: 'separate_consent',
          scope: ['ethnicity'],
          grantedBy: '本人',
        },
      }),
    );
    const consentId = created.body.consents[0].id;
    const w = await sup.post(`/api/registry/consents/${consentId}/withdraw`, { reason: '本人要求' });
    expect(w.status).toBe(200);
    expect(w.body.active).toBe(false);
    const row = await t.ctx.db
      .selectFrom('persons')
      .select('ethnicity')
      .where('id', '=', created.body.id)
      .executeTakeFirstOrThrow();
    expect(row.ethnicity).toBeNull();
    expect((await sup.post(`/api/registry/consents/${consentId}/withdraw`, { reason: 'again' })).status).toBe(
      409,
    );
  });

  it('hides statistics cells under 5', async () => {
    for (let i = 0; i < 5; i++)
      expect(
        (
          await sup.post(
            '/api/registry/persons',
            person({ idNumber: idNumberFor('1940-01-01', 501 + i * 2), tags: ['低保'] }),
          )
        ).status,
      ).toBe(201);
    const r = await sup.get('/api/registry/stats?groupBy=tag');
    expect(r.status).toBe(200);
    const byKey = Object.fromEntries(r.body.groups.map((g: any) => [g.key, g]));
    expect(byKey['低保']).toMatchObject({ count: 5, suppressed: false });
    expect(byKey['独居']).toMatchObject({ suppressed: expect.any(Boolean) });
    for (const g of r.body.groups) if (g.suppressed) expect(g.count).toBeNull();
    expect(r.body.groups.some((g: any) => g.suppressed)).toBe(true);
    expect((await resident.get('/api/registry/stats?groupBy=tag')).status).toBe(403);
  });
});

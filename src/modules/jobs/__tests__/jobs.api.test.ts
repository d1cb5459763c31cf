import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeIdReader } from '../../../adapters/idreader/index.ts';
import type { RecordingSms } from '../../../adapters/sms/index.ts';
import { haversineMeters } from '../../../kernel/geo.ts';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';
import { idNumberFor } from '../../../test/services.factories.ts';
import { REQUIRED_JOBPOSTING_FIELDS } from '../jobs.jsonld.ts';
import { jobsVersion } from '../jobs.map.ts';
import { lastLogSeq } from '../../flow/index.ts';
import { MapPosting } from '../jobs.schema.ts';

/** 合泰社区, where the 零工服务中心 stands. */
const HETAI = { lat: 27.8652, lng: 113.1718 };

/**
 * 荷塘大就业 on a real database, from the seeded demo: the doorstep map against a plain computation,
 * JSON-LD of every open posting, expiry and the one-tap reconfirmation, an unpaid wage raised to 区人社局,
 * worker registration through the fake ID reader, masking and the access log.
 */
describe('jobs', () => {
  let t: TestApp;
  let sup: Client;
  let staff: Client;
  let worker: Client;
  let employer: Client;
  let anon: Client;
  let centreId: string;
  let employerId: string;
  const sms = () => t.ctx.sms as RecordingSms;
  const reader = () => t.ctx.idReader as FakeIdReader;
  const hours = (n: number) => t.clock!.advanceHours(n);

  beforeAll(async () => {
    t = await startTestApp({ seed: 'demo' });
    sup = await t.as('demo-supervisor');
    staff = await t.as('demo-unit');
    worker = await t.as('demo-worker');
    employer = await t.as('demo-employer');
    anon = t.client();
    const stations = await anon.get('/api/jobs/stations');
    expect(stations.status).toBe(200);
    centreId = stations.body.items.find((s: { role: string }) => s.role === 'centre').id;
    employerId = (await employer.get('/api/jobs/employers')).body.items[0].id;
  });
  afterAll(() => t.close());

  const now = () => t.ctx.clock.now().toISOString();
  const gig = (over: Record<string, unknown> = {}) => ({
    employerId,
    title: '泥工（外墙修补）',
    description: '合泰社区老旧小区外墙修补，当天结算。',
    kind: 'gig_day',
    occupationCode: '6-29-01-01',
    headcount: 2,
    wageFen: 20_000,
    wageUnit: 'day',
    villageCode: '430202001003',
    ...HETAI,
    validFrom: now(),
    validThrough: new Date(Date.parse(now()) + 20 * 86_400_000).toISOString(),
    submit: true,
    ...over,
  });
  /** A gig of demo-employer, submitted by him and approved by the centre's staff. */
  async function openGig(over: Record<string, unknown> = {}) {
    const p = await employer.post('/api/jobs/postings', gig(over));
    expect(p.status, JSON.stringify(p.body)).toBe(201);
    expect(p.body.status).toBe('pending_review');
    const a = await staff.post(`/api/jobs/postings/${p.body.id}/actions/approve`, {});
    expect(a.status).toBe(200);
    return a.body;
  }

  it('lists the centre at 合泰马路市场 and a station in every other township', async () => {
    const r = await anon.get('/api/jobs/stations');
    expect(r.body.total).toBe(7);
    expect(r.body.items[0]).toMatchObject({ role: 'centre', villageCode: '430202001003' });
    expect(r.body.items[0].name).toContain('合泰马路市场');
    expect(new Set(r.body.items.map((s: { townshipCode: string }) => s.townshipCode)).size).toBe(7);
  });

  it('has the demo from records: 张师傅 matched with gig days paid, and one unpaid wage raised', async () => {
    const mine = await worker.get('/api/jobs/applications');
    expect(mine.status).toBe(200);
    const statuses = mine.body.items.map((a: { status: string }) => a.status);
    expect(statuses.filter((s: string) => s === 'settled').length).toBeGreaterThanOrEqual(2);
    expect(statuses).toContain('proposed');
    const kpis = (await sup.get('/api/jobs/kpis')).body;
    expect(kpis.postings.byStatus).toMatchObject({ draft: expect.any(Number), expired: expect.any(Number) });
    for (const s of ['draft', 'pending_review', 'open', 'filled', 'expired', 'withdrawn', 'taken_down'])
      expect(kpis.postings.byStatus[s], s).toBeGreaterThan(0);
    expect(kpis.wages.unpaidRaised).toBeGreaterThanOrEqual(1);
    expect(kpis.disputes.resolved).toBeGreaterThanOrEqual(1);
    expect(kpis.stationVisits.total).toBeGreaterThanOrEqual(40);
    const all = await staff.get('/api/jobs/applications?limit=200');
    const raised = all.body.items.find((a: { problemId: string | null }) => a.problemId);
    const problem = await sup.get(`/api/problems/${raised.problemId}`);
    expect(problem.body.leadUnit.name).toBe('区人力资源和社会保障局');
  });

  it('finds exactly the open postings within the radius, nearest first, as a plain computation does', async () => {
    const radius = 2500;
    const got: { id: string; distanceM: number }[] = [];
    let cursor: string | null = null;
    let uncovered: { code: string; lat: number; lng: number }[] = [];
    do {
      const r: { status: number; body: any } = await anon.get(
        `/api/jobs/postings?lat=${HETAI.lat}&lng=${HETAI.lng}&radius=${radius}&limit=40${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(r.status).toBe(200);
      got.push(...r.body.items);
      uncovered = r.body.uncoveredVillages;
      cursor = r.body.nextCursor;
    } while (cursor);
    const at = now();
    const rows = await t.ctx.db
      .selectFrom('jobs_postings')
      .select(['id', 'lat', 'lng', 'status', 'valid_through', 'reconfirm_due_at'])
      .where('jurisdiction_id', '=', '430202')
      .execute();
    const open = rows.filter(
      (r) =>
        r.status === 'open' &&
        r.valid_through > at &&
        (r.reconfirm_due_at === null || r.reconfirm_due_at > at),
    );
    const expected = open
      .map((r) => ({ id: r.id, d: haversineMeters(HETAI.lat, HETAI.lng, r.lat, r.lng) }))
      .filter((r) => r.d <= radius)
      .sort((a, b) => a.d - b.d || a.id.localeCompare(b.id));
    expect(expected.length).toBeGreaterThan(5);
    expect(got.map((g) => g.id)).toEqual(expected.map((e) => e.id));
    expect(got.map((g) => g.distanceM)).toEqual(expected.map((e) => Math.round(e.d)));
    // Each item is a map posting, no more (the answer's JSON is put together from kept pieces), and its
    // own point is at the distance it is listed with (the pieces are the right postings').
    for (const g of got) {
      expect(MapPosting.strict().parse(g)).toEqual(g);
      const item = g as unknown as MapPosting;
      expect(Math.round(haversineMeters(HETAI.lat, HETAI.lng, item.lat, item.lng))).toBe(item.distanceM);
    }
    // A signed-in reader gets the same postings in the same order.
    const signedIn = await worker.get(
      `/api/jobs/postings?lat=${HETAI.lat}&lng=${HETAI.lng}&radius=${radius}&limit=200`,
    );
    expect(signedIn.body.items.map((p: { id: string }) => p.id)).toEqual(
      expected.slice(0, 200).map((e) => e.id),
    );
    expect(signedIn.body.total).toBe(expected.length);
    // The map's filters: the same search over only the postings of one kind, of one occupation, or both.
    const fields = await t.ctx.db
      .selectFrom('jobs_postings')
      .select(['id', 'kind', 'occupation_code'])
      .where('jurisdiction_id', '=', '430202')
      .execute();
    const of = new Map(fields.map((f) => [f.id, f]));
    const sample = of.get(expected[0]!.id)!;
    const filters: { kind?: string; occupation?: string }[] = [
      { kind: sample.kind },
      { occupation: sample.occupation_code },
      { kind: sample.kind, occupation: sample.occupation_code },
      { kind: 'full_time', occupation: '6-18-02-04' },
    ];
    for (const filter of filters) {
      const want = expected.filter(
        (e) =>
          (!filter.kind || of.get(e.id)!.kind === filter.kind) &&
          (!filter.occupation || of.get(e.id)!.occupation_code === filter.occupation),
      );
      const params = new URLSearchParams({
        lat: String(HETAI.lat),
        lng: String(HETAI.lng),
        radius: String(radius),
        limit: '200',
        ...(filter as Record<string, string>),
      });
      for (const reader of [anon, worker]) {
        const r = await reader.get(`/api/jobs/postings?${params}`);
        expect(r.status).toBe(200);
        expect(r.body.items.map((p: { id: string }) => p.id)).toEqual(want.slice(0, 200).map((e) => e.id));
        expect(r.body.total).toBe(want.length);
        // Uncovered villages are about any open posting, whatever the filter.
        expect(r.body.uncoveredVillages).toEqual(uncovered);
      }
    }
    expect((await anon.get(`/api/jobs/postings?lat=${HETAI.lat}&lng=${HETAI.lng}&kind=nope`)).status).toBe(
      400,
    );
    // Each uncovered village lies in the radius with no open posting and no station within 1.5 km.
    const stations = (await anon.get('/api/jobs/stations')).body.items as { lat: number; lng: number }[];
    for (const v of uncovered) {
      expect(haversineMeters(HETAI.lat, HETAI.lng, v.lat, v.lng)).toBeLessThanOrEqual(radius);
      for (const p of [...open, ...stations])
        expect(haversineMeters(v.lat, v.lng, p.lat, p.lng)).toBeGreaterThan(1500);
    }
    expect((await anon.get(`/api/jobs/postings?lat=${HETAI.lat}`)).status).toBe(400);
    expect(
      (await anon.get(`/api/jobs/postings?lat=${HETAI.lat}&lng=${HETAI.lng}&radius=999999`)).status,
    ).toBe(400);
  });

  it('keeps the map while workers register and apply, and reads it again when a posting changes', async () => {
    const jid = '430202';
    const ids = async () =>
      (
        await anon.get(`/api/jobs/postings?lat=${HETAI.lat}&lng=${HETAI.lng}&radius=3000&limit=200`)
      ).body.items.map((i: { id: string }) => i.id);
    const p = await openGig({ title: '油漆工（日结）', headcount: 1 });
    expect(await ids()).toContain(p.id);
    const v0 = await jobsVersion(t.ctx, jid);
    const seq0 = await lastLogSeq(t.ctx.db, jid, 'jobs');
    // A worker registered at the station and an application proposed: the log grows, the map holds.
    reader().place(centreId, {
      name: '周师傅',
      idNumber: idNumberFor('1971-06-09', 57),
      gender: 'male',
      birthDate: '1971-06-09',
      address: '湖南省株洲市荷塘区合泰路 12 号',
      validFrom: '2016-01-01',
      validUntil: '2036-01-01',
    });
    const registered = await staff.post('/api/jobs/workers', {
      stationId: centreId,
      villageCode: '430202001003',
      occupations: ['6-29-01-01'],
      hasSmartphone: false,
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    const a = await worker.post('/api/jobs/applications', { postingId: p.id });
    expect(a.status).toBe(201);
    expect(await lastLogSeq(t.ctx.db, jid, 'jobs')).toBe(seq0 + 2);
    expect(await jobsVersion(t.ctx, jid)).toBe(v0);
    expect(await ids()).toContain(p.id);
    // Accepting fills the posting's one place: an application's step that changes a posting moves the
    // map, which no longer lists it.
    expect((await employer.post(`/api/jobs/applications/${a.body.id}/actions/accept`, {})).status).toBe(200);
    expect((await anon.get(`/api/jobs/postings/${p.id}`)).body.status).toBe('filled');
    expect(await jobsVersion(t.ctx, jid)).toBeGreaterThan(v0);
    expect(await ids()).not.toContain(p.id);
    // A posting opened is on the map at once.
    const q = await openGig({ title: '水电工（日结）' });
    expect(await ids()).toContain(q.id);
  });

  it('gives every open posting a JobPosting with the fields search engines require', async () => {
    let cursor: string | null = null;
    let seen = 0;
    do {
      const r: { body: any } = await anon.get(
        `/api/jobs/postings?limit=200${cursor ? `&cursor=${cursor}` : ''}`,
      );
      for (const p of r.body.items) {
        expect(p.status).toBe('open');
        for (const f of REQUIRED_JOBPOSTING_FIELDS) expect(p.jsonLd?.[f], `${p.id} ${f}`).toBeTruthy();
        expect(p.jsonLd['@type']).toBe('JobPosting');
        expect(p.jsonLd.hiringOrganization.name).toBe(p.employerName);
        seen++;
      }
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen).toBeGreaterThan(100);
    // Drafts are not public.
    expect((await anon.get('/api/jobs/postings?status=draft')).status).toBe(403);
  });

  it('refuses a wage below the local minimum and an employer whose USCC check character is wrong', async () => {
    const low = await employer.post('/api/jobs/postings', gig({ wageFen: 12_000 }));
    expect(low.status).toBe(400);
    expect(low.body.error.message).toContain('最低工资');
    const bad = await employer.post('/api/jobs/employers', {
      name: '株洲某某劳务有限公司',
      uscc: '91430202MA4000001X',
      contactName: '李经理',
      contactPhone: '13907339999',
      villageCode: '430202001003',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('统一社会信用代码');
  });

  it('expires a posting that is not reconfirmed; the expired one says 已过期 and cannot be applied to', async () => {
    const map = `/api/jobs/postings?lat=${HETAI.lat}&lng=${HETAI.lng}&radius=200&limit=200`;
    const onMap = async () => ((await anon.get(map)).body.items as { id: string }[]).map((x) => x.id);
    const p = await openGig();
    expect(await onMap()).toContain(p.id);
    const kept = await openGig({ title: '泥工（续期）' });
    // The public map's kept answer follows every write at once.
    expect(await onMap()).toEqual(expect.arrayContaining([p.id, kept.id]));
    expect(p.reconfirmDueAt).toBe(new Date(Date.parse(now()) + 3 * 86_400_000).toISOString());
    hours(50);
    // The day before the due time, the employer gets the one-tap link by SMS.
    const sweep = await sup.post('/api/jobs/sweep', {});
    expect(sweep.status).toBe(200);
    expect(sweep.body.reminded).toBeGreaterThanOrEqual(2);
    const link = sms()
      .sent.filter((m) => m.template === 'jobs_reconfirm' && m.params.title === '泥工（续期）')
      .at(-1)!.params.link!;
    const token = link.split('/').at(-1)!;
    const re = await anon.post('/api/jobs/postings/reconfirm', { token });
    expect(re.status, JSON.stringify(re.body)).toBe(200);
    expect(re.body.reconfirmDueAt > kept.reconfirmDueAt).toBe(true);
    expect((await anon.post('/api/jobs/postings/reconfirm', { token })).status).toBe(404);
    expect(await onMap()).toEqual(expect.arrayContaining([p.id, kept.id]));
    hours(30);
    // With no write since, the kept answer still ends when the first posting in it lapses.
    const after = await onMap();
    expect(after).not.toContain(p.id);
    expect(after).toContain(kept.id);
    const read = await anon.get(`/api/jobs/postings/${p.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      status: 'expired',
      statusLabel: '已过期',
      expired: true,
      applicable: false,
    });
    const apply = await worker.post('/api/jobs/applications', { postingId: p.id });
    expect(apply.status).toBe(409);
    expect(apply.body.error.message).toContain('过期');
    expect((await anon.get(`/api/jobs/postings/${kept.id}`)).body.status).toBe('open');
    // An expired posting cannot be reconfirmed by its employer either (409), nor expired by him (403).
    expect((await employer.post(`/api/jobs/postings/${p.id}/actions/reconfirm`, {})).status).toBe(409);
    expect((await employer.post(`/api/jobs/postings/${kept.id}/actions/expire`, {})).status).toBe(403);
  });

  it('turns a wage not confirmed paid in time into a problem led by 区人社局 with a deadline', async () => {
    const p = await openGig({ title: '钢筋工（日结）', occupationCode: '6-29-01-04' });
    const matches = await worker.get('/api/jobs/workers/me/matches');
    expect(matches.status).toBe(200);
    const m = matches.body.items.find((x: { posting: { id: string } }) => x.posting.id === p.id);
    expect(m.explanation.map((e: { factor: string }) => e.factor)).toEqual([
      'occupation',
      'distance',
      'availability',
      'wage',
    ]);
    const a = await worker.post('/api/jobs/applications', { postingId: p.id });
    expect(a.status).toBe(201);
    const id = a.body.id;
    const act = (c: Client, action: string, body: unknown = {}) =>
      c.post(`/api/jobs/applications/${id}/actions/${action}`, body);
    // The worker cannot accept his own application (403); the employer cannot complete before on site (409).
    expect((await act(worker, 'accept')).status).toBe(403);
    expect((await act(employer, 'complete', { hours: 8, amountFen: 20_000 })).status).toBe(409);
    expect((await act(employer, 'accept')).status).toBe(200);
    expect((await act(worker, 'check_in')).status).toBe(200);
    hours(8);
    expect((await act(worker, 'complete', { hours: 8, amountFen: 20_000 })).status).toBe(200);
    expect((await act(worker, 'confirm_paid')).status).toBe(409);
    expect((await act(employer, 'confirm_wage', { hours: 7, amountFen: 17_500 })).status).toBe(409);
    expect((await act(employer, 'confirm_wage', { hours: 8, amountFen: 20_000 })).status).toBe(200);
    expect((await act(employer, 'confirm_paid')).status).toBe(403);
    hours(30);
    const sweep = await sup.post('/api/jobs/sweep', {});
    expect(sweep.body.escalated).toBeGreaterThanOrEqual(1);
    const after = await worker.get(`/api/jobs/applications/${id}`);
    expect(after.body.problemId).toBeTruthy();
    expect(after.body.actions.at(-1).action).toBe('escalate_unpaid');
    const problem = await sup.get(`/api/problems/${after.body.problemId}`);
    expect(problem.status).toBe(200);
    expect(problem.body.leadUnit.name).toBe('区人力资源和社会保障局');
    expect(problem.body.closeDueAt).toBeTruthy();
    expect(problem.body.categoryCode).toBe('jobs');
    // The worker still confirms the pay once it comes; the KPIs count it and the raised one.
    expect((await act(worker, 'confirm_paid')).status).toBe(200);
    const kpis = await sup.get('/api/jobs/kpis');
    expect(kpis.status).toBe(200);
    expect(kpis.body.wages.unpaidRaised).toBeGreaterThanOrEqual(2);
    expect(kpis.body.wages.confirmedPaid).toBeGreaterThanOrEqual(4);
    expect((await worker.get('/api/jobs/kpis')).status).toBe(403);
  });

  it('registers a worker from the ID card on the station reader, failed reads included', async () => {
    const body = {
      stationId: centreId,
      villageCode: '430202001003',
      occupations: ['4-10-01-06'],
      hasSmartphone: false,
    };
    reader().take(centreId);
    const none = await staff.post('/api/jobs/workers', body);
    expect(none.status).toBe(422);
    expect(none.body.error.code).toBe('idcard_no_card');
    const card = {
      name: '刘阿姨',
      idNumber: idNumberFor('1968-04-02', 128),
      gender: 'female' as const,
      birthDate: '1968-04-02',
      address: '湖南省株洲市荷塘区合泰路 8 号',
      validFrom: '2018-01-01',
      validUntil: '2038-01-01',
    };
    reader().place(centreId, {
      ...card,
      idNumber: card.idNumber.slice(0, 17) + (card.idNumber.endsWith('0') ? '1' : '0'),
    });
    expect((await staff.post('/api/jobs/workers', body)).body.error.code).toBe('idcard_bad_checksum');
    reader().place(centreId, { ...card, validUntil: '2020-01-01' });
    expect((await staff.post('/api/jobs/workers', body)).body.error.code).toBe('idcard_expired');
    reader().place(centreId, card);
    reader().failNext('timeout');
    expect((await staff.post('/api/jobs/workers', body)).status).toBe(503);
    const noConsent = await staff.post('/api/jobs/workers', { ...body, priorityGroups: ['大龄'] });
    expect(noConsent.status).toBe(422);
    expect(noConsent.body.error.code).toBe('consent_required');
    const ok = await staff.post('/api/jobs/workers', {
      ...body,
      priorityGroups: ['大龄'],
      consent: { grantedBy: '刘阿姨本人', lawfulBasis: 'separate_consent' },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body).toMatchObject({ name: '刘阿姨', registeredVia: 'station', stationId: centreId });
    expect(ok.body.idNumber).toMatch(/^430202\*{8}\d{3}[\dX]$/);
    expect((await staff.post('/api/jobs/workers', body)).status).toBe(409);
    // Only the station's staff register there.
    expect((await worker.post('/api/jobs/workers', body)).status).toBe(403);
  });

  it('masks personal data in lists and logs every read of a worker’s record', async () => {
    const list = await staff.get('/api/jobs/workers?limit=200');
    expect(list.status).toBe(200);
    expect(list.body.total).toBeGreaterThan(40);
    for (const w of list.body.items) {
      expect(w.name).toMatch(/\*/);
      if (w.phone) expect(w.phone).toMatch(/^\d{3}\*{4}\d{4}$/);
      if (w.idNumber) expect(w.idNumber).toMatch(/\*{8}/);
      expect(w.priorityGroups).toBeNull();
    }
    expect((await worker.get('/api/jobs/workers')).body.total).toBe(0);
    const publicEmployer = await anon.get(`/api/jobs/employers/${employerId}`);
    expect(publicEmployer.body.contactPhone).toMatch(/^\d{3}\*{4}\d{4}$/);
    const me = await worker.get('/api/jobs/workers/me');
    expect(me.body.name).toBe('张师傅');
    expect(me.body.priorityGroups).toEqual(['大龄']);
    const before = await sup.get(`/api/registry/access-log?personId=${me.body.personId}`);
    const read = await staff.get(`/api/jobs/workers/${me.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body.name).toBe('张师傅');
    const afterLog = await sup.get(`/api/registry/access-log?personId=${me.body.personId}`);
    expect(afterLog.body.items.length).toBe(before.body.items.length + 1);
    expect(afterLog.body.items[0].actorName).toBe('刘人社');
    // A stranger does not see the record at all.
    expect((await employer.get(`/api/jobs/workers/${me.body.id}`)).status).toBe(404);
  });
});

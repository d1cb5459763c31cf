import { describe, expect, it } from 'vitest';
import { FakeIdReader } from '../../../adapters/idreader/index.ts';
import { idNumberFor, usccFor } from '../../../test/services.factories.ts';
import { requireValidUscc } from '../jobs.employers.ts';
import { hasLapsed, reconfirmDueAt, reminderDue } from '../jobs.expiry.ts';
import { applicationLifecycle, postingLifecycle } from '../jobs.lifecycle.ts';
import { scoreMatch, type MatchPosting, type MatchWorker } from '../jobs.match.ts';
import { jobPostingJsonLd, REQUIRED_JOBPOSTING_FIELDS } from '../jobs.jsonld.ts';
import { occupationCloseness } from '../jobs.occupations.ts';
import { dailyFen, wageProblems } from '../jobs.wages.ts';

const MIN = { monthlyFen: 170_000, hourlyFen: 1_700 };

describe('minimum wage (a configured monthly and hourly figure)', () => {
  it('accepts wages at the minimum and refuses those below, per unit', () => {
    expect(wageProblems({ kind: 'full_time', wageFen: 170_000, unit: 'month' }, MIN)).toEqual([]);
    expect(wageProblems({ kind: 'full_time', wageFen: 169_999, unit: 'month' }, MIN)[0]!.path).toBe(
      'wageFen',
    );
    expect(wageProblems({ kind: 'part_time', wageFen: 1_700, unit: 'hour' }, MIN)).toEqual([]);
    expect(wageProblems({ kind: 'part_time', wageFen: 1_699, unit: 'hour' }, MIN)[0]!.message).toContain(
      '17.00',
    );
    // 日结: 136 yuan a day is 17 yuan an hour over 8 hours.
    expect(wageProblems({ kind: 'gig_day', wageFen: 13_600, unit: 'day' }, MIN)).toEqual([]);
    expect(wageProblems({ kind: 'gig_day', wageFen: 13_500, unit: 'day' }, MIN)).toHaveLength(1);
  });
  it('checks a piece rate through the pieces made in an hour, and needs that rate', () => {
    expect(wageProblems({ kind: 'piece', wageFen: 50, unit: 'piece', piecesPerHour: 40 }, MIN)).toEqual([]);
    expect(wageProblems({ kind: 'piece', wageFen: 40, unit: 'piece', piecesPerHour: 40 }, MIN)).toHaveLength(
      1,
    );
    expect(wageProblems({ kind: 'piece', wageFen: 50, unit: 'piece' }, MIN)[0]!.path).toBe('piecesPerHour');
  });
  it('refuses a unit that does not fit the kind', () => {
    expect(wageProblems({ kind: 'full_time', wageFen: 2_000, unit: 'hour' }, MIN)[0]!.path).toBe('wageUnit');
    expect(wageProblems({ kind: 'piece', wageFen: 20_000, unit: 'day' }, MIN)[0]!.path).toBe('wageUnit');
  });
  it('follows the configured minimum', () => {
    expect(
      wageProblems(
        { kind: 'part_time', wageFen: 1_800, unit: 'hour' },
        { monthlyFen: 190_000, hourlyFen: 1_900 },
      ),
    ).toHaveLength(1);
    expect(dailyFen({ kind: 'full_time', wageFen: 348_000, unit: 'month' })).toBe(16_000);
  });
});

describe('USCC check digit (GB 32100-2015)', () => {
  it('accepts a code whose check character is right and refuses one off by its last character', () => {
    const good = usccFor(42);
    expect(requireValidUscc(good.toLowerCase())).toBe(good);
    const last = good.at(-1)!;
    const bad = good.slice(0, 17) + (last === '0' ? '1' : '0');
    expect(() => requireValidUscc(bad)).toThrow(/校验位/);
    expect(() => requireValidUscc('91430202MA4L0000I1')).toThrow(/非法字符/);
    expect(() => requireValidUscc('123')).toThrow(/18位/);
  });
});

describe('expiry and reconfirmation', () => {
  const opened = '2024-03-04T01:00:00.000Z';
  it('falls due days after opening by kind, never after validThrough', () => {
    expect(reconfirmDueAt('gig_day', opened, '2024-04-01T00:00:00.000Z')).toBe('2024-03-07T01:00:00.000Z');
    expect(reconfirmDueAt('full_time', opened, '2024-03-10T00:00:00.000Z')).toBe('2024-03-10T00:00:00.000Z');
  });
  it('lapses at the due time or at validThrough, and a reconfirmation moves the due time on', () => {
    const p = { validThrough: '2024-04-01T00:00:00.000Z', reconfirmDueAt: '2024-03-07T01:00:00.000Z' };
    expect(hasLapsed(p, '2024-03-07T00:59:59.000Z')).toBe(false);
    expect(hasLapsed(p, '2024-03-07T01:00:00.000Z')).toBe(true);
    const again = {
      ...p,
      reconfirmDueAt: reconfirmDueAt('gig_day', '2024-03-06T12:00:00.000Z', p.validThrough),
    };
    expect(hasLapsed(again, '2024-03-07T01:00:00.000Z')).toBe(false);
    expect(hasLapsed({ ...p, reconfirmDueAt: null }, '2024-04-01T00:00:00.000Z')).toBe(true);
  });
  it('reminds once in the last day, and not when the validity ends anyway', () => {
    const p = {
      validThrough: '2024-04-01T00:00:00.000Z',
      reconfirmDueAt: '2024-03-07T01:00:00.000Z',
      remindedAt: null,
    };
    expect(reminderDue(p, '2024-03-05T12:00:00.000Z')).toBe(false);
    expect(reminderDue(p, '2024-03-06T02:00:00.000Z')).toBe(true);
    expect(reminderDue({ ...p, remindedAt: '2024-03-06T02:00:00.000Z' }, '2024-03-06T05:00:00.000Z')).toBe(
      false,
    );
    expect(reminderDue({ ...p, validThrough: p.reconfirmDueAt }, '2024-03-06T02:00:00.000Z')).toBe(false);
  });
});

describe('match score and its explanation', () => {
  const worker: MatchWorker = {
    occupations: ['6-29-01-01'],
    days: [1, 2, 3, 4, 5],
    kinds: ['gig_day'],
    radiusM: 5000,
    minDailyFen: 20_000,
    lat: 27.86,
    lng: 113.17,
  };
  const posting: MatchPosting = {
    kind: 'gig_day',
    wageFen: 25_000,
    unit: 'day',
    occupationCode: '6-29-01-01',
    lat: 27.86,
    lng: 113.17,
    startDay: 2,
  };
  it('gives full marks to the same occupation at the door, on a free day, at the wanted wage', () => {
    const s = scoreMatch(worker, posting);
    expect(s.score).toBe(100);
    expect(s.distanceM).toBe(0);
    expect(s.parts.map((p) => p.factor)).toEqual(['occupation', 'distance', 'availability', 'wage']);
    expect(s.parts[0]!.reason).toContain('砌筑工');
  });
  it('explains every lost point', () => {
    const s = scoreMatch(worker, {
      ...posting,
      occupationCode: '6-29-01-04',
      lat: 27.86 + 2500 / 111_195,
      startDay: 7,
      wageFen: 15_000,
    });
    const by = Object.fromEntries(s.parts.map((p) => [p.factor, p]));
    expect(by.occupation!.points).toBe(24);
    expect(by.occupation!.reason).toContain('同一小类');
    expect(by.distance!.points).toBe(15);
    expect(by.distance!.reason).toContain('2.5 公里');
    expect(by.availability!.points).toBe(8);
    expect(by.availability!.reason).toContain('周日没空');
    expect(by.wage!.points).toBeLessThan(15);
    expect(by.wage!.reason).toContain('低于期望 200 元');
    expect(s.score).toBe(s.parts.reduce((a, p) => a + p.points, 0));
  });
  it('gives no distance points beyond the radius and none for another field', () => {
    const s = scoreMatch(worker, { ...posting, occupationCode: '4-03-02-01', lat: 27.95 });
    expect(s.parts[0]!.points).toBe(0);
    expect(s.parts[1]!.points).toBe(0);
    expect(occupationCloseness('4-10-01-05', '4-10-01-06')).toBe('group');
    expect(occupationCloseness('4-10-01-05', '4-03-02-01')).toBe('none');
  });
});

describe('transition tables: 403 by relation, 409 by status', () => {
  it('posting', () => {
    const employer = new Set(['employer'] as const);
    const reviewer = new Set(['reviewer'] as const);
    expect(postingLifecycle.decide('approve', 'pending_review', employer)).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(postingLifecycle.decide('approve', 'draft', reviewer)).toMatchObject({ ok: false, status: 409 });
    expect(postingLifecycle.decide('approve', 'pending_review', reviewer)).toEqual({ ok: true, to: 'open' });
    expect(postingLifecycle.decide('expire', 'open', reviewer)).toMatchObject({ status: 403 });
    expect(postingLifecycle.decide('reconfirm', 'expired', employer)).toMatchObject({ status: 409 });
    expect(postingLifecycle.decide('reconfirm', 'open', employer)).toEqual({ ok: true, to: 'open' });
    for (const end of ['filled', 'expired', 'withdrawn', 'taken_down'] as const)
      expect(postingLifecycle.allowedActions(end, new Set(['employer', 'reviewer', 'system']))).toEqual([]);
  });
  it('application', () => {
    const worker = new Set(['worker'] as const);
    const employer = new Set(['employer'] as const);
    expect(applicationLifecycle.decide('contact', 'proposed', worker)).toMatchObject({ status: 403 });
    expect(applicationLifecycle.decide('confirm_paid', 'completed', employer)).toMatchObject({ status: 403 });
    expect(applicationLifecycle.decide('confirm_paid', 'on_site', worker)).toMatchObject({ status: 409 });
    expect(applicationLifecycle.decide('confirm_paid', 'completed', worker)).toEqual({
      ok: true,
      to: 'settled',
    });
    expect(applicationLifecycle.decide('resolve', 'disputed', employer)).toMatchObject({ status: 403 });
    expect(
      applicationLifecycle.decide('escalate_unpaid', 'completed', new Set(['staff'] as const)),
    ).toMatchObject({
      status: 403,
    });
    expect(applicationLifecycle.allowedActions('settled', new Set(['worker', 'employer', 'staff']))).toEqual(
      [],
    );
  });
});

describe('JobPosting JSON-LD', () => {
  it('has every field search engines require', () => {
    const ld = jobPostingJsonLd({
      id: 'p1',
      title: '砌筑工（日结）',
      description: '荷塘区小区外墙修补，日结。',
      kind: 'gig_day',
      occupationCode: '6-29-01-01',
      occupationName: '砌筑工',
      headcount: 3,
      wageFen: 25_000,
      wageUnit: 'day',
      validFrom: '2024-03-04T00:00:00.000Z',
      validThrough: '2024-03-10T00:00:00.000Z',
      datePosted: '2024-03-04T01:00:00.000Z',
      employer: { name: '株洲某建筑公司', uscc: usccFor(1) },
      place: {
        address: '合泰路 1 号',
        villageName: '合泰社区居委会',
        townshipName: '月塘街道',
        lat: 27.86,
        lng: 113.17,
      },
      url: 'http://127.0.0.1:3000/m/#/jobs/p1',
    });
    for (const f of REQUIRED_JOBPOSTING_FIELDS) expect(ld[f], f).toBeTruthy();
    expect(ld['@type']).toBe('JobPosting');
    expect(ld.employmentType).toContain('TEMPORARY');
    expect((ld.baseSalary as { value: { value: number } }).value.value).toBe(250);
  });
});

describe('fake ID-card reader', () => {
  const card = {
    name: '张师傅',
    idNumber: idNumberFor('1972-05-01', 135),
    gender: 'male' as const,
    birthDate: '1972-05-01',
    address: '湖南省株洲市荷塘区合泰路',
    validFrom: '2015-01-01',
    validUntil: '2035-01-01',
  };
  it('reads a card and fails as real readers do', async () => {
    const r = new FakeIdReader();
    await expect(r.read('s1', '2024-03-04')).rejects.toMatchObject({ reason: 'no_card' });
    r.place('s1', card);
    expect((await r.read('s1', '2024-03-04')).name).toBe('张师傅');
    r.failNext('timeout');
    await expect(r.read('s1', '2024-03-04')).rejects.toMatchObject({ reason: 'timeout' });
    r.place('s1', {
      ...card,
      idNumber: card.idNumber.slice(0, 17) + (card.idNumber.endsWith('1') ? '2' : '1'),
    });
    await expect(r.read('s1', '2024-03-04')).rejects.toMatchObject({ reason: 'bad_checksum' });
    r.place('s1', { ...card, validUntil: '2024-03-01' });
    await expect(r.read('s1', '2024-03-04')).rejects.toMatchObject({ reason: 'expired' });
  });
});

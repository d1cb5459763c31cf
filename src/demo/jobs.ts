/**
 * The jobs demo (荷塘大就业, issue 24), made through the jobs module's services so every figure comes from
 * records with their logs: the 零工服务中心 at 合泰马路市场 (合泰社区) and a station in each other township,
 * employers with valid USCCs, a few hundred postings in every state around the district, 张师傅
 * (`demo-worker`) registered and matched with gig days confirmed paid, an employer (`demo-employer`),
 * workers registered at the stations with the fake ID reader, station visits, and one unpaid wage that
 * became a problem for 区人社局.
 *
 * Deterministic from its seed; its times are laid relative to the day it is seeded (`anchor`), so that
 * open postings are open when the demo is used.
 */
import { FakeIdReader } from '../adapters/idreader/index.ts';
import { validateUscc } from '../kernel/identifiers.ts';
import type { ManualClock } from '../kernel/clock.ts';
import { random } from '../kernel/random.ts';
import type { Principal } from '../kernel/roles.ts';
import type { AppContext } from '../platform/context.ts';
import { createPlace } from '../modules/directory/index.ts';
import {
  actOnApplication,
  actOnPosting,
  addStation,
  createEmployer,
  createPosting,
  OCCUPATIONS,
  propose,
  recordVisit,
  registerAtStation,
  registerSelf,
  reviewEmployer,
  runJobsSweep,
} from '../modules/jobs/index.ts';

type Mk = (
  username: string,
  name: string,
  roles: Principal['roles'],
  extra?: { phone?: string; unit?: string },
) => Promise<Principal>;

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const DAY = 86_400_000;

/** A valid USCC for a Hetang-registered company numbered `n` (its check character computed by the rule). */
function demoUscc(n: number): string {
  const body = `91430202MA4${String(n * 7919).padStart(6, '0')}`.slice(0, 17);
  return body + [...USCC_CHARS].find((c) => validateUscc(body + c).checksumOk)!;
}

/** A valid ID number of someone born on a date (the fixture cards of the fake reader). */
function demoIdNumber(birth: string, seq: number): string {
  const body = `430202${birth.replaceAll('-', '')}${String(seq).padStart(3, '0')}`;
  const sum = [...body].reduce((s, c, i) => s + Number(c) * (2 ** (17 - i) % 11), 0);
  return body + '10X98765432'[sum % 11];
}

const EMPLOYERS = [
  '株洲荷塘宏达建筑劳务有限公司',
  '株洲合泰农贸市场管理有限公司',
  '株洲荷塘顺丰速运服务部',
  '株洲金山物流仓储有限公司',
  '株洲荷塘湘味餐饮管理有限公司',
  '株洲仙庾岭生态农业开发有限公司',
  '株洲桂花家政服务有限公司',
  '株洲月塘物业管理有限公司',
  '株洲明照汽车维修有限公司',
  '株洲宋家桥电气安装工程有限公司',
  '株洲茨菇塘保安服务有限公司',
  '株洲荷塘康乐养老服务中心',
];

/** Titles by occupation code. */
const TITLES: Record<string, string[]> = {
  '4-02-02-02': ['货车司机（市内配送）', '轻卡司机'],
  '4-02-06-01': ['仓库理货员', '仓储管理员'],
  '4-02-07-08': ['快递分拣员（日结）', '快递派送员'],
  '4-03-02-01': ['食堂厨师', '中餐厨师'],
  '4-03-02-05': ['餐厅服务员（兼职）', '宴席帮工'],
  '4-07-05-01': ['小区保安', '市场巡逻保安'],
  '4-10-01-02': ['育婴员'],
  '4-10-01-05': ['养老护理员'],
  '4-10-01-06': ['钟点工（保洁）', '家政服务员'],
  '4-12-01-01': ['汽车维修学徒', '汽修工'],
  '6-18-02-04': ['电焊工（日结）', '焊工'],
  '6-29-01-01': ['泥工（外墙修补）', '砌筑工（日结）'],
  '6-29-01-04': ['钢筋工（日结）'],
  '6-29-01-05': ['架子工'],
  '6-31-01-03': ['电工（老旧小区改造）', '水电安装工'],
};

/** Seeds the jobs demo. `clock` is the seed's own clock, set here to times around `anchor`. */
export async function seedJobs(
  ctx: AppContext,
  clock: ManualClock,
  anchor: Date,
  people: { mk: Mk; supervisor: Principal; staff: Principal },
): Promise<{ postings: number }> {
  const jid = people.supervisor.jurisdictionId;
  const r = random(20240917);
  // Day 0 is the day before the seeding: everything the demo tells has happened by the time it is used.
  const day0 = Math.floor((anchor.getTime() + 8 * 3_600_000) / DAY) * DAY - 8 * 3_600_000 - DAY;
  const at = (days: number, hours = 9) => new Date(day0 + days * DAY + (hours - 8) * 3_600_000);
  clock.set(at(-60));
  const ref = await ctx.reference.get(jid);
  const townships = [...ref.divisions.values()].filter((d) => d.level === 'township');
  const villages = [...ref.divisions.values()].filter((d) => d.level === 'village' && d.lat != null);
  const { supervisor, staff } = people;

  // The centre at 合泰马路市场 and one station in every other township.
  const hetai = ref.divisions.get('430202001003')!;
  const stations: { id: string; lat: number; lng: number }[] = [];
  const centre = await createPlace(ctx, supervisor, {
    kind: 'station',
    name: '荷塘区零工服务中心（合泰马路市场）',
    villageCode: hetai.code,
    address: '合泰路合泰马路市场旁',
    lat: hetai.lat! + 0.0012,
    lng: hetai.lng! + 0.0009,
    phone: '0731-22881234',
    capacity: 300,
    hours: [{ rrule: 'FREQ=DAILY', opens: '06:30', closes: '18:00', calendar: 'rrule', label: '零工早市' }],
    description: '零工登记、岗位发布（即时快招）、技能培训报名、工资争议调解。',
  });
  await addStation(ctx, jid, centre.id, 'centre', '430202001', [staff.userId!]);
  stations.push({ id: centre.id, lat: centre.lat!, lng: centre.lng! });
  for (const t of townships.filter((x) => x.code !== '430202001')) {
    const v = ref.divisionChildren(t.code).find((c) => c.lat != null)!;
    const pl = await createPlace(ctx, supervisor, {
      kind: 'station',
      name: `${t.name}零工驿站`,
      villageCode: v.code,
      address: `${t.name}便民服务中心一楼`,
      lat: v.lat! - 0.0008,
      lng: v.lng! + 0.0011,
      phone: `0731-2288${String(1300 + stations.length * 11).slice(-4)}`,
      capacity: 50,
      hours: [
        { rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', opens: '08:30', closes: '17:30', calendar: 'workdays' },
      ],
    });
    await addStation(ctx, jid, pl.id, 'township', t.code, [staff.userId!]);
    stations.push({ id: pl.id, lat: pl.lat!, lng: pl.lng! });
  }

  // Employers: one registered by its own account (demo-employer), the rest at the centre.
  const employerUser = await people.mk('demo-employer', '宏达劳务 王经理', ['enterprise'], {
    phone: '13907330052',
  });
  const employers: string[] = [];
  for (const [i, name] of EMPLOYERS.entries()) {
    const v = r.pick(villages);
    const e = await createEmployer(ctx, i === 0 ? employerUser : staff, {
      name,
      uscc: demoUscc(i + 1),
      contactName: `${'王李刘陈杨赵黄周吴徐孙胡朱高林何郭马'[i]}经理`,
      contactPhone: `1390733${String(2100 + i).padStart(4, '0')}`,
      villageCode: v.code,
      address: `${v.name.replace(/居委会|村委会/, '')}附近`,
    });
    // Two wait for verification and one was refused, as at any real desk.
    if (i === EMPLOYERS.length - 1) continue;
    await reviewEmployer(
      ctx,
      supervisor,
      e.id,
      i !== EMPLOYERS.length - 2,
      i === EMPLOYERS.length - 2 ? '营业执照已注销' : '核验营业执照一致',
    );
    if (i !== EMPLOYERS.length - 2) employers.push(e.id);
  }

  // Postings in every state around the district.
  const kinds = ['gig_day', 'gig_day', 'gig_day', 'part_time', 'full_time', 'piece'] as const;
  const ends = [
    'open',
    'open',
    'open',
    'open',
    'open',
    'filled',
    'expired',
    'expired',
    'withdrawn',
    'taken_down',
    'pending_review',
    'draft',
  ] as const;
  const made: { id: string; end: string; employer: number; lat: number; lng: number; kind: string }[] = [];
  const TOTAL = 300;
  for (let i = 0; i < TOTAL; i++) {
    const end = ends[i % ends.length]!;
    const ei =
      end === 'pending_review' || end === 'draft' || i % 10 === 0 ? 0 : 1 + r.int(employers.length - 1);
    const occupation = r.pick(OCCUPATIONS);
    const kind = kinds[r.int(kinds.length)]!;
    const v = i % 4 === 0 ? hetai : r.pick(villages);
    const lat = v.lat! + (r.next() - 0.5) * 0.012;
    const lng = v.lng! + (r.next() - 0.5) * 0.012;
    const wage =
      kind === 'full_time'
        ? { wageFen: (3000 + r.int(30) * 100) * 100, wageUnit: 'month' as const }
        : kind === 'part_time'
          ? { wageFen: (22 + r.int(12)) * 100, wageUnit: 'hour' as const }
          : kind === 'piece'
            ? { wageFen: 55 + r.int(30), wageUnit: 'piece' as const, piecesPerHour: 40 }
            : { wageFen: (180 + r.int(20) * 10) * 100, wageUnit: 'day' as const };
    // Open ones were posted in the last two days (or reconfirmed since); the closed ones weeks ago.
    const past =
      end === 'open' || end === 'pending_review' || end === 'draft' ? -1 - r.int(2) : -(10 + r.int(40));
    clock.set(at(past, 7 + r.int(10)));
    const validDays = end === 'expired' && i % 2 === 0 ? 3 : 20 + r.int(40);
    const owner = ei === 0 ? employerUser : staff;
    const p = await createPosting(ctx, owner, {
      employerId: employers[ei]!,
      title: r.pick(TITLES[occupation.code]!),
      description: `${v.name.replace(/居委会|村委会/, '')}附近用工，${kind === 'gig_day' ? '当天结算工资' : '按约定按时发放工资'}，${occupation.name}经验优先，大龄求职者可报名。`,
      kind,
      occupationCode: occupation.code,
      headcount: 1 + r.int(kind === 'full_time' ? 3 : 8),
      ...wage,
      villageCode: v.code,
      address: `${v.name.replace(/居委会|村委会/, '')}${r.pick(['工地', '门店', '仓库', '小区'])}`,
      lat,
      lng,
      stationId: stations[r.int(stations.length)]!.id,
      validFrom: clock.now().toISOString(),
      validThrough: new Date(clock.now().getTime() + validDays * DAY).toISOString(),
      submit: end !== 'draft',
    });
    if (ei === 0 && end !== 'pending_review' && end !== 'draft')
      await actOnPosting(ctx, staff, p.id, 'approve', {});
    made.push({ id: p.id, end, employer: ei, lat, lng, kind });
    clock.advanceHours(2 + r.int(20));
    if (end === 'filled') await actOnPosting(ctx, ei === 0 ? employerUser : staff, p.id, 'fill', {});
    if (end === 'withdrawn')
      await actOnPosting(ctx, ei === 0 ? employerUser : staff, p.id, 'withdraw', { reason: '已自行招到' });
    if (end === 'taken_down')
      await actOnPosting(ctx, supervisor, p.id, 'take_down', { reason: '岗位信息不实（投诉核实）' });
  }

  // Workers: 张师傅 on his phone; others at the stations with their ID cards on the (fake) reader.
  clock.set(at(-30, 7));
  const zhang = await people.mk('demo-worker', '张师傅', ['resident'], { phone: '13907330051' });
  await registerSelf(ctx, zhang, {
    name: '张师傅',
    villageCode: hetai.code,
    lat: hetai.lat! + 0.002,
    lng: hetai.lng! - 0.001,
    occupations: ['6-29-01-01', '6-29-01-04'],
    skills: ['砌墙', '抹灰', '贴砖'],
    availability: { days: [1, 2, 3, 4, 5, 6], kinds: ['gig_day', 'piece'] },
    radiusM: 5000,
    minDailyFen: 18_000,
    hasSmartphone: true,
    priorityGroups: ['大龄'],
    consent: { grantedBy: '张师傅本人', lawfulBasis: 'separate_consent' },
  });
  const reader = ctx.idReader instanceof FakeIdReader ? ctx.idReader : null;
  const surnames = '李王刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓';
  const workerIds: string[] = [];
  for (let i = 0; reader && i < 40; i++) {
    const st = stations[i % stations.length]!;
    const birth = `${1962 + r.int(40)}-0${1 + r.int(9)}-1${r.int(9)}`;
    const male = i % 3 !== 0;
    reader.place(st.id, {
      name: `${surnames[i % surnames.length]}${male ? '师傅' : '阿姨'}`,
      idNumber: demoIdNumber(birth, 100 + i * 2 + (male ? 1 : 0)),
      gender: male ? 'male' : 'female',
      birthDate: birth,
      address: '湖南省株洲市荷塘区',
      validFrom: '2016-01-01',
      validUntil: '2036-01-01',
    });
    clock.set(at(-28 + Math.floor(i / 2), 8 + (i % 8)));
    const v = r.pick(villages);
    const groups = (['大龄', '就业困难', '残疾', '脱贫'] as const).filter(
      (_, g) => r.next() < [0.4, 0.2, 0.08, 0.15][g]!,
    );
    const w = await registerAtStation(ctx, staff, {
      stationId: st.id,
      phone: `1390733${String(3000 + i).padStart(4, '0')}`,
      villageCode: v.code,
      lat: v.lat! + (r.next() - 0.5) * 0.004,
      lng: v.lng! + (r.next() - 0.5) * 0.004,
      occupations: [r.pick(OCCUPATIONS).code],
      skills: [],
      availability: { days: [1, 2, 3, 4, 5, 6, 7], kinds: ['gig_day', 'part_time', 'piece'] },
      radiusM: 3000 + r.int(5) * 1000,
      minDailyFen: 0,
      hasSmartphone: i % 4 !== 0,
      priorityGroups: [...groups],
      ...(groups.length > 0 && {
        consent: { grantedBy: '本人（驿站现场签字）', lawfulBasis: 'separate_consent' as const },
      }),
    });
    reader.take(st.id);
    workerIds.push(w.id);
    await recordVisit(ctx, staff, st.id, {
      workerId: w.id,
      purpose: r.pick(['找活咨询', '技能培训报名', '工资争议咨询']),
    });
  }

  // 张师傅's gig days with demo-employer: applied, hired, on site, done, both confirm, paid; one disputed
  // (the employer counted fewer hours) and settled by the centre; the latest only matched so far.
  const gigs = made.filter((m) => m.end === 'open' && m.employer === 0 && m.kind === 'gig_day');
  const own = [...gigs, ...made.filter((m) => m.end === 'open' && m.employer === 0 && m.kind !== 'gig_day')];
  for (const [k, g] of own.slice(0, 4).entries()) {
    clock.set(at(0, 6 + k));
    const a = await propose(ctx, zhang, { postingId: g.id });
    if (k === 3) break;
    await actOnApplication(ctx, employerUser, a.id, 'contact', { note: '电话联系，7 点到岗' });
    await actOnApplication(ctx, employerUser, a.id, 'accept', {});
    await actOnApplication(ctx, zhang, a.id, 'check_in', {});
    clock.advanceHours(8);
    await actOnApplication(ctx, zhang, a.id, 'complete', { hours: 8, amountFen: 20_000 });
    if (k === 2) {
      await actOnApplication(ctx, employerUser, a.id, 'dispute', {
        reason: '实际工作 7 小时，按 175 元结算',
      });
      clock.advanceHours(3);
      await actOnApplication(ctx, staff, a.id, 'resolve', {
        hours: 8,
        amountFen: 20_000,
        note: '零工服务中心调解：考勤记录为 8 小时',
      });
    } else {
      await actOnApplication(ctx, employerUser, a.id, 'confirm_wage', { hours: 8, amountFen: 20_000 });
    }
    clock.advanceHours(1);
    await actOnApplication(ctx, zhang, a.id, 'confirm_paid', {});
  }
  // A worker registered at a station (no smartphone: the centre acts for him) on a demo-employer gig,
  // whose wage was never confirmed paid.
  const unpaid = own[4];
  if (unpaid && workerIds.length) {
    clock.set(at(-10, 6));
    const a = await propose(ctx, employerUser, { postingId: unpaid.id, workerId: workerIds[0]! });
    await actOnApplication(ctx, staff, a.id, 'accept', {});
    await actOnApplication(ctx, staff, a.id, 'check_in', {});
    clock.advanceHours(9);
    await actOnApplication(ctx, employerUser, a.id, 'complete', { hours: 9, amountFen: 22_500 });
  }
  // Expiry, reminders and the unpaid wage's problem, as the scheduler would have found them.
  clock.set(at(0, 23));
  await runJobsSweep(ctx, jid);
  return { postings: made.length };
}

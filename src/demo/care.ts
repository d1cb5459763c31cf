/**
 * The home elderly-care and canteen demo (issue 23), made through the services so that every figure comes
 * from records with their logs: the six services; four providers covering the seven townships with their
 * workers and qualifications; a home-care station in every township and the 桂花路健康公益食堂 with opening
 * hours as RRULEs; elders in the registry with consents and subsidies, among them 张大爷 (75, of 玫瑰名城,
 * `demo-elder`); a worker (`demo-caregiver`) and station staff who order for elders (`demo-station`); a
 * month of care orders in every state, flagged ones and a settlement paid to the providers; a month of
 * canteen meals with its day closes.
 *
 * Deterministic from its seed; its times are laid relative to the day it is seeded (`anchor`): day 0 is
 * the day before, and the previous month is settled on the second day of the current one.
 */
import { RecordingSms } from '../adapters/sms/index.ts';
import { validateUscc } from '../kernel/identifiers.ts';
import type { ManualClock } from '../kernel/clock.ts';
import { random } from '../kernel/random.ts';
import type { Principal } from '../kernel/roles.ts';
import type { AppContext } from '../platform/context.ts';
import { addDish, checkIn, dayAct, issueCard, setMenu } from '../modules/canteen/index.ts';
import { addWorker, createPlace, createProvider } from '../modules/directory/index.ts';
import { grant, openAccount, type EntitlementKind } from '../modules/entitlements/index.ts';
import { addConsent, addContact, createPerson, type EligibilityTag } from '../modules/registry/index.ts';
import { isoDay, monthLabel, seedCareOrders, type Elder } from './care.orders.ts';

/** Makes a user (the Hetang seed's `mk`): a demo sign-in with the demo password, or one without any. */
export type MakeUser = (
  username: string,
  name: string,
  roles: Principal['roles'],
  extra?: {
    phone?: string;
    unit?: string;
    scope?: { kind: 'township' | 'unit' | 'jurisdiction' | 'own'; ref: string | null };
    password?: boolean;
  },
) => Promise<Principal>;

/** The care demo's sign-ins (password `qingdan-demo`). */
export const CARE_DEMO_USERS = ['demo-elder', 'demo-caregiver', 'demo-station'] as const;

const DAY = 86_400_000;
const HOUR = 3_600_000;
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const GUIHUA = '430202004';

/** A valid USCC for a care provider numbered `n`. */
function careUscc(n: number): string {
  const body = `52430202MJ${String(n * 4271).padStart(7, '0')}`.slice(0, 17);
  return body + [...USCC_CHARS].find((c) => validateUscc(body + c).checksumOk)!;
}

/** A valid ID number of someone born on a date. */
function idNumber(birth: string, seq: number): string {
  const body = `430202${birth.replaceAll('-', '')}${String(seq).padStart(3, '0')}`;
  const sum = [...body].reduce((s, c, i) => s + Number(c) * (2 ** (17 - i) % 11), 0);
  return body + '10X98765432'[sum % 11];
}

const PROVIDERS = [
  {
    name: '株洲荷塘康乐居家养老服务中心',
    area: ['430202001', '430202002', '430202003'],
    services: ['助洁', '助餐', '助医', '助浴', '助行', '助急'],
    workers: ['王秀英', '陈桂兰', '刘建军', '周小红'],
  },
  {
    name: '荷塘区桂花颐养居家养老服务中心',
    area: [GUIHUA, '430202005'],
    services: ['助洁', '助餐', '助医', '助浴', '助行', '助急'],
    workers: ['李春梅', '赵国强', '黄丽'],
  },
  {
    name: '荷塘区仙庾康养服务合作社',
    area: ['430202006', '430202100'],
    services: ['助洁', '助餐', '助医', '助浴', '助行', '助急'],
    workers: ['邓志刚', '罗美华', '谢红霞'],
  },
  {
    name: '桂花路健康公益食堂运营中心',
    area: [GUIHUA],
    services: ['助餐'],
    workers: ['刘阿姨'],
  },
] as const;

const DISHES = [
  ['红烧肉', '荤菜', ['软食'], []],
  ['清蒸鲈鱼', '荤菜', ['低盐'], ['鱼']],
  ['番茄炒蛋', '荤菜', ['软食'], ['蛋']],
  ['肉末豆腐', '荤菜', ['软食', '低盐'], ['大豆']],
  ['土豆炖牛肉', '荤菜', ['软食'], []],
  ['香菇蒸鸡', '荤菜', ['低脂'], []],
  ['清炒小白菜', '素菜', ['低盐'], []],
  ['蒜蓉西兰花', '素菜', ['低盐'], []],
  ['手撕包菜', '素菜', [], []],
  ['凉拌木耳', '素菜', [], []],
  ['冬瓜排骨汤', '汤', ['低盐'], []],
  ['紫菜蛋花汤', '汤', ['低盐'], ['蛋']],
  ['米饭', '主食', [], []],
  ['南瓜小米粥', '主食', ['软食', '低糖'], []],
  ['红薯', '主食', ['低脂'], []],
  ['豆沙包', '点心', ['软食'], ['小麦']],
] as const;

const SURNAMES = '王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董';
const MEN = ['德明', '国富', '长根', '建华', '福生', '树林', '金山', '友良'];
const WOMEN = ['桂英', '秀兰', '玉梅', '春花', '翠兰', '淑珍', '冬梅', '凤英'];

/** Seeds the care and canteen demo. `clock` is the seed's own clock, set here to times around `anchor`. */
export async function seedCare(
  ctx: AppContext,
  clock: ManualClock,
  anchor: Date,
  people: { mk: MakeUser; supervisor: Principal },
): Promise<{ orders: number; meals: number }> {
  const { mk, supervisor } = people;
  const jid = supervisor.jurisdictionId;
  const r = random(20241123);
  const day0 = Math.floor((anchor.getTime() + 8 * HOUR) / DAY) * DAY - 8 * HOUR - DAY;
  const at = (days: number, hours = 9, minutes = 0) =>
    new Date(day0 + days * DAY + hours * HOUR + minutes * 60_000);
  const FIRST = -34;
  clock.set(at(FIRST - 2, 9));
  const ref = await ctx.reference.get(jid);
  const townships = [...ref.divisions.values()].filter((d) => d.level === 'township');
  const villagesOf = (t: string) => ref.divisionChildren(t).filter((v) => v.lat != null && v.lng != null);

  // Providers with their workers (each worker signs in on the phone page for today's orders).
  const providers: { id: string; area: readonly string[]; workers: Principal[]; workerIds: string[] }[] = [];
  for (const [i, spec] of PROVIDERS.entries()) {
    const prov = await createProvider(ctx, supervisor, {
      name: spec.name,
      uscc: careUscc(i + 1),
      licenceNo: `湘养服备字〔${2022 + (i % 3)}〕${String(17 + i * 9).padStart(3, '0')}号`,
      phone: `0731-2261${String(5100 + i * 37).slice(-4)}`,
      serviceArea: [...spec.area],
      services: [...spec.services],
    });
    const workers: Principal[] = [];
    const workerIds: string[] = [];
    for (const [k, name] of spec.workers.entries()) {
      const demo = i === 1 && k === 0;
      const phone = `1390736${String(1000 + i * 10 + k)}`;
      const user = await mk(demo ? 'demo-caregiver' : `carer-${i + 1}-${k + 1}`, name, ['enterprise'], {
        phone,
        password: demo,
      });
      const w = await addWorker(ctx, supervisor, prov.id, {
        name,
        phone,
        userId: user.userId!,
        qualifications:
          spec.services.length === 1
            ? [{ name: '食品从业人员健康证明', expiresOn: isoDay(at(300)) }]
            : [
                {
                  name: k === 0 ? '养老护理员（三级/高级工）' : '养老护理员（四级/中级工）',
                  number: `S${430200 + i}${String(20210 + k * 7)}`,
                },
                { name: '健康证明', expiresOn: isoDay(at(200 + k * 30)) },
              ],
      });
      workers.push(user);
      workerIds.push(w.id);
    }
    providers.push({ id: prov.id, area: spec.area, workers, workerIds });
  }
  const canteenProvider = providers[3]!;

  // A home-care station in every township; the canteen on 桂花路, a short walk from 玫瑰名城.
  const guihuaVillages = villagesOf(GUIHUA);
  const home = guihuaVillages[0]!;
  const rose = { lat: home.lat! + 0.0016, lng: home.lng! - 0.0021 };
  for (const [i, t] of townships.entries()) {
    const v = villagesOf(t.code)[0];
    if (!v) continue;
    await createPlace(ctx, supervisor, {
      kind: 'station',
      name: `${t.name}居家养老服务站`,
      providerId: providers.find((p) => p.area.includes(t.code))?.id,
      villageCode: v.code,
      address: `${t.name}${v.name.replace(/居委会|村委会/, '')}党群服务中心一楼`,
      lat: v.lat! + 0.0006,
      lng: v.lng! - 0.0009,
      phone: `0731-2262${String(3300 + i * 17).slice(-4)}`,
      capacity: 20,
      hours: [
        {
          rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
          opens: '08:30',
          closes: '17:30',
          calendar: 'workdays',
          label: '办公',
        },
        {
          rrule: 'FREQ=WEEKLY;BYDAY=SA',
          opens: '09:00',
          closes: '12:00',
          calendar: 'rrule_except_holidays',
          label: '周六上午',
        },
      ],
      description: '居家养老服务预约、代下单、助餐卡办理、适老化改造咨询。',
    });
  }
  const canteen = await createPlace(ctx, supervisor, {
    kind: 'canteen',
    name: '桂花路健康公益食堂',
    providerId: canteenProvider.id,
    villageCode: home.code,
    address: '桂花路 18 号',
    lat: rose.lat - 0.0031,
    lng: rose.lng + 0.0024,
    phone: '0731-22618888',
    capacity: 80,
    hours: [
      { rrule: 'FREQ=DAILY', opens: '11:00', closes: '13:00', calendar: 'rrule', label: '午餐' },
      {
        rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
        opens: '17:00',
        closes: '18:30',
        calendar: 'rrule_except_holidays',
        label: '晚餐',
      },
    ],
    description: '每餐10个以上菜品，60岁以上老人按年龄段享受助餐补贴，低保、特困老人补贴更多。',
  });

  // Station staff of every township; demo-station is 桂花街道's.
  const staffOf = new Map<string, Principal>();
  for (const t of townships)
    staffOf.set(
      t.code,
      await mk(
        t.code === GUIHUA ? 'demo-station' : `station-${t.code}`,
        `${t.name}养老服务站 ${t.code === GUIHUA ? '孙站长' : '工作人员'}`,
        ['unit_handler'],
        { unit: t.name, scope: { kind: 'township', ref: t.code }, password: t.code === GUIHUA },
      ),
    );

  // The elders: 张大爷 first, then others around the district (more of them in 桂花街道).
  const elders: Elder[] = [];
  const sms = ctx.sms instanceof RecordingSms ? ctx.sms : null;
  const birth75 = isoDay(new Date(anchor.getTime() - (75 * 365.25 + 120) * DAY));
  const zhangUser = await mk('demo-elder', '张大爷', ['resident'], { phone: '13907330061' });
  const son = await mk('zhang-jianguo', '张建国', ['resident'], { phone: '13907330062', password: false });
  const zhang = await createPerson(ctx, supervisor, {
    name: '张大爷',
    idNumber: idNumber(birth75, 135),
    phone: '13907330061',
    villageCode: home.code,
    address: '玫瑰名城 6 栋 2 单元 301',
    tags: ['高龄', '空巢'],
    userId: zhangUser.userId!,
    disabilityLevel: 1,
    consent: {
      purpose: '失能等级评估结果用于居家养老服务派单和补贴核定',
      lawfulBasis: 'separate_consent',
      scope: ['disabilityLevel'],
      grantedBy: '张大爷本人（社区养老服务站现场签字）',
    },
  });
  await addConsent(ctx, supervisor, zhang.id, {
    purpose: '居家养老服务订单通知与短信确认、助餐补贴发放',
    lawfulBasis: 'consent',
    scope: ['phone', 'address'],
    grantedBy: '张大爷本人',
    expiresAt: new Date(anchor.getTime() + 365 * DAY).toISOString(),
  });
  await addContact(ctx, supervisor, zhang.id, {
    kind: 'family',
    name: '张建国',
    relation: '儿子',
    phone: '13907330062',
    userId: son.userId!,
  });
  await addContact(ctx, supervisor, zhang.id, {
    kind: 'emergency',
    name: '张丽',
    relation: '女儿',
    phone: '13907330063',
  });
  elders.push({
    id: zhang.id,
    name: '张大爷',
    idNumber: idNumber(birth75, 135),
    phone: '13907330061',
    township: GUIHUA,
    ...rose,
    orderer: zhangUser,
    family: son,
    confirmer: zhangUser,
  });
  const TAGS: EligibilityTag[] = ['高龄', '独居', '空巢', '低保', '特困', '失能'];
  for (let i = 0; i < 35; i++) {
    const t = i < 11 ? GUIHUA : townships[i % townships.length]!.code;
    const v = r.pick(villagesOf(t).length ? villagesOf(t) : guihuaVillages);
    const male = i % 2 === 0;
    const year = 1934 + r.int(30);
    const birth = `${year}-${String(1 + r.int(12)).padStart(2, '0')}-${String(1 + r.int(28)).padStart(2, '0')}`;
    const name = `${SURNAMES.charAt((i * 7) % SURNAMES.length)}${r.pick(male ? MEN : WOMEN)}`;
    const tags = TAGS.filter((tag, k) =>
      tag === '高龄' ? year <= 1946 : r.next() < [0, 0.3, 0.25, 0.12, 0.05, 0.1][k]!,
    );
    const phone = `1390735${String(1000 + i)}`;
    const id = idNumber(birth, 200 + i * 2 + (male ? 1 : 0));
    const lat = v.lat! + (r.next() - 0.5) * 0.006;
    const lng = v.lng! + (r.next() - 0.5) * 0.006;
    const disabled = tags.includes('失能');
    const person = await createPerson(ctx, supervisor, {
      name,
      idNumber: id,
      phone,
      villageCode: v.code,
      address: `${v.name.replace(/社区居委会|村委会|居委会/, '')}${1 + r.int(12)} 栋 ${1 + r.int(6)}0${1 + r.int(4)}`,
      tags,
      livingAlone: tags.includes('独居'),
      ...(disabled && {
        disabilityLevel: 2 + r.int(2),
        consent: {
          purpose: '失能等级用于居家养老服务和补贴核定',
          lawfulBasis: 'separate_consent' as const,
          scope: ['disabilityLevel' as const],
          grantedBy: `${name}的监护人`,
        },
      }),
    });
    elders.push({
      id: person.id,
      name,
      idNumber: id,
      phone,
      township: t,
      lat,
      lng,
      orderer: staffOf.get(t)!,
      confirmer: null,
    });
  }

  // Subsidies: a month's care and meal subsidy on the first day of the story and of each month in it.
  const grantAll = async (when: Date) => {
    clock.set(when);
    const label = `${monthLabel(when)}居家养老服务补贴`;
    for (const e of elders) {
      await giveSubsidy(ctx, jid, e.id, 'care_subsidy', e === elders[0] ? 30_000 : 20_000, label);
      await giveSubsidy(ctx, jid, e.id, 'meal_subsidy', 15_000, label);
    }
  };
  await grantAll(at(FIRST - 1, 9));

  // The canteen: dishes, a menu of 11 dishes for every sitting, cards for the regulars.
  const counter = canteenProvider.workers[0]!;
  const dishIds: string[] = [];
  for (const [name, course, dietTags, allergens] of DISHES)
    dishIds.push(
      (
        await addDish(ctx, counter, canteen.id, {
          name,
          course,
          dietTags: [...dietTags],
          allergens: [...allergens],
        })
      ).id,
    );
  for (let d = FIRST; d <= 8; d++)
    for (const meal of ['lunch', 'supper'] as const) {
      const start =
        (((d * 3 + (meal === 'supper' ? 5 : 0)) % dishIds.length) + dishIds.length) % dishIds.length;
      const pickDishes = Array.from({ length: 11 }, (_, k) => dishIds[(start + k) % dishIds.length]!);
      await setMenu(ctx, counter, canteen.id, { date: isoDay(at(d)), meal, dishIds: pickDishes });
    }
  const regulars = elders.filter((e) => e.township === GUIHUA);
  for (const [k, e] of regulars.slice(0, 6).entries())
    await issueCard(ctx, supervisor, canteen.id, `GH-${String(k + 1).padStart(4, '0')}`, e.id);

  // A month of meals: the regulars at lunch, a few at supper on weekdays, walk-in residents; each day closed.
  let meals = 0;
  for (let d = FIRST; d <= 0; d++) {
    if (isoDay(at(d)).endsWith('-01')) await grantAll(at(d, 8));
    const weekday = new Date(at(d).getTime() + 8 * HOUR).getUTCDay();
    const counts = { lunch: 0, supper: 0 };
    const sittings: ['lunch' | 'supper', number][] = [['lunch', 11]];
    if (weekday >= 1 && weekday <= 5) sittings.push(['supper', 17]);
    for (const [meal, hour] of sittings) {
      const diners = regulars.filter((e, k) =>
        meal === 'lunch' ? (k === 0 ? weekday !== 0 : r.next() < 0.7) : r.next() < 0.3,
      );
      for (const [k, e] of diners.entries()) {
        clock.set(at(d, hour, 2 + k * 3 + r.int(3)));
        const idx = regulars.indexOf(e);
        await checkIn(
          ctx,
          counter,
          canteen.id,
          idx < 6
            ? { method: 'card', cardNo: `GH-${String(idx + 1).padStart(4, '0')}`, payWith: 'cash' }
            : k % 3 === 0
              ? { method: 'id_card', idNumber: e.idNumber, payWith: 'cash' }
              : { method: 'staff', personId: e.id, payWith: 'cash' },
        );
        counts[meal]++;
      }
      // Residents who are not registered elders pay the full price.
      for (let k = 0; k < (meal === 'lunch' ? 2 + r.int(4) : r.int(2)); k++) {
        clock.set(at(d, hour, 40 + k * 4));
        await checkIn(ctx, counter, canteen.id, { method: 'staff', payWith: 'cash' });
        counts[meal]++;
      }
    }
    meals += counts.lunch + counts.supper;
    clock.set(at(d, 20));
    // The kitchen counted two more lunches than the counter once: the close flags it as a problem.
    const kitchen = d === -12 ? { ...counts, lunch: counts.lunch + 2 } : counts;
    await dayAct(ctx, counter, canteen.id, isoDay(at(d)), 'close', {
      kitchenCounts: Object.fromEntries(Object.entries(kitchen).filter(([, n]) => n > 0)),
    });
  }

  const orders = await seedCareOrders(ctx, clock, {
    elders,
    providers,
    supervisor,
    sms,
    r,
    at,
    first: FIRST,
  });
  return { orders, meals };
}

/** Grants a month's subsidy of a kind to a person's account (opened on first use). */
async function giveSubsidy(
  ctx: AppContext,
  jid: string,
  personId: string,
  kind: EntitlementKind,
  amount: number,
  label: string,
): Promise<void> {
  await ctx.database.write(async (trx) => {
    const account = await openAccount(ctx.clock, trx, jid, personId, kind);
    await grant(ctx.clock, trx, jid, account.id, amount, {
      module: 'entitlements',
      ref: `${label}:${personId}:${kind}`,
      actorUserId: null,
      note: label,
    });
  });
}

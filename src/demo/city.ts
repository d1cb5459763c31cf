/**
 * Zhuzhou above Hetang (issue 22, DESIGN §3): the city 株洲市 (430200) as a jurisdiction whose 督查室
 * (`demo-city`) compares its districts, and three districts beside Hetang with a few problems each from
 * their own stories on the article's page: 芦淞区's 贺家土街道 and the caring firms' gifts to sanitation
 * workers and empty-nest elders; 石峰区 and the economic zone's joint meetings and project pipeline;
 * 天元区's 爱蕾小屋 rooms for children in difficulty in 雷打石镇, 三门镇 and 群丰镇 (one of them passed
 * down by its town to the village, 二次交办). Each district is its own jurisdiction, made through the real
 * services on a moved clock in January 2024, the article's month; Hetang's data is not touched.
 */
import { RecordingSms } from '../adapters/sms/index.ts';
import { ManualClock } from '../kernel/clock.ts';
import { uuidv7 } from '../kernel/ids.ts';
import type { Principal } from '../kernel/roles.ts';
import type { AppContext } from '../platform/context.ts';
import { principalOfUser } from '../modules/auth/index.ts';
import { act, createProblem } from '../modules/problems/index.ts';
import { addUnit, initJurisdiction, type DivisionSeed } from '../modules/reference/index.ts';
import { createUser } from '../modules/users/index.ts';

/**
 * The city and its office's demo sign-in. Neither the city nor the three districts have an Open311 id in the
 * demo: Open311 clients keep reaching Hetang without naming it.
 */
export const CITY = {
  id: '430200',
  name: '株洲市',
  prefix: 'ZZ',
  user: 'demo-city',
};
const PASSWORD = 'qingdan-demo';

/** How a demo problem ends: still waiting, with its unit, or closed with a result and a rating. */
type End = 'submitted' | 'assigned' | 'in_progress' | 'closed';

interface StoryProblem {
  category: string;
  fields?: Record<string, string | number | string[]>;
  /** Village (12 digits) or township (9 digits) code. */
  place: string;
  title: string;
  description: string;
  /** The lead unit's name. */
  lead: string;
  end: End;
  summary?: string;
  /** 二次交办: the village unit the lead town passes it to before closing. */
  village?: string;
}

interface DistrictStory {
  id: string;
  name: string;
  prefix: string;
  /** The first part of the district's seeded user names. */
  key: string;
  seat: [number, number];
  /** [code, name, villages [code, name][]] */
  townships: [string, string, [string, string][]][];
  departments: string[];
  /** Village units below a township unit: [township name, village code, unit name]. */
  villageUnits: [string, string, string][];
  problems: StoryProblem[];
}

const DISTRICTS: DistrictStory[] = [
  {
    id: '430203',
    name: '芦淞区',
    prefix: 'LS',
    key: 'lusong',
    seat: [27.83, 113.155],
    townships: [
      [
        '430203001',
        '贺家土街道',
        [
          ['430203001001', '来园社区居委会'],
          ['430203001003', '大园社区居委会'],
          ['430203001004', '漂家井社区居委会'],
        ],
      ],
      ['430203002', '建设街道', [['430203002001', '建设社区居委会']]],
    ],
    departments: ['区委督查室', '区民政局', '区城市管理和综合执法局'],
    villageUnits: [],
    problems: [
      {
        category: 'sanitation',
        place: '430203001001',
        title: '环卫工人冬季慰问物资不足',
        description: '天气转冷，辖区环卫工人清晨作业，希望街道协调冬季慰问物资。',
        lead: '贺家土街道',
        end: 'closed',
        summary: '街道联系辖区爱心企业，为环卫工人、空巢老人捐赠60袋大米、60桶食用油、60箱牛奶。',
      },
      {
        category: 'elderly_care',
        fields: { services: ['助餐'] },
        place: '430203001003',
        title: '空巢老人冬季生活照料',
        description: '社区几位空巢老人冬季买菜做饭困难，希望有人上门照看。',
        lead: '区民政局',
        end: 'closed',
        summary: '社区登记空巢老人名单，结对志愿者每周上门，并发放爱心企业捐赠的米油奶。',
      },
      {
        category: 'sanitation',
        place: '430203001004',
        title: '背街小巷垃圾清运不及时',
        description: '漂家井社区背街小巷垃圾堆放两天未清运。',
        lead: '区城市管理和综合执法局',
        end: 'in_progress',
      },
      {
        category: 'roads',
        fields: { hazard: '一般' },
        place: '430203002001',
        title: '建设社区人行道破损',
        description: '建设社区门口人行道地砖松动，老人行走易绊倒。',
        lead: '建设街道',
        end: 'submitted',
      },
    ],
  },
  {
    id: '430204',
    name: '石峰区',
    prefix: 'SF',
    key: 'shifeng',
    seat: [27.875, 113.12],
    townships: [
      ['430204102', '云田镇', [['430204102006', '云田社区居委会']]],
      ['430204009', '龙头铺街道', [['430204009005', '龙头社区居委会']]],
      ['430204008', '学林街道', [['430204008001', '樟树下社区居委会']]],
    ],
    departments: ['区委督查室', '区发展和改革局', '区人力资源和社会保障局'],
    villageUnits: [],
    problems: [
      {
        category: 'approval',
        fields: { matter: '项目用地报批' },
        place: '430204102006',
        title: '轨道交通配套项目用地报批进度慢',
        description: '储备项目用地报批涉及两区多个部门，企业希望联席会议统筹推进。',
        lead: '区发展和改革局',
        end: 'closed',
        summary: '提交两区融合发展联席会议（重大事项统筹机制）研究，明确牵头部门，项目转入开工一批。',
      },
      {
        category: 'government_service',
        place: '430204008001',
        title: '社会事务移交后办事窗口不清楚',
        description: '经开区移交社会事务后，居民不知道到哪里办理相关事项。',
        lead: '学林街道',
        end: 'closed',
        summary: '街道公布移交的11项社会事务办理窗口和电话，社区张贴指引。',
      },
      {
        category: 'jobs',
        place: '430204009005',
        title: '新能源装备企业招工难',
        description: '园区新能源装备企业扩产，需要技术工人，希望帮助对接。',
        lead: '区人力资源和社会保障局',
        end: 'in_progress',
      },
      {
        category: 'roads',
        fields: { hazard: '一般' },
        place: '430204102006',
        title: '云田镇项目工地进出道路泥泞',
        description: '项目开工后运输车辆多，进出道路泥泞。',
        lead: '云田镇',
        end: 'assigned',
      },
    ],
  },
  {
    id: '430211',
    name: '天元区',
    prefix: 'TY',
    key: 'tianyuan',
    seat: [27.83, 113.08],
    townships: [
      [
        '430211102',
        '雷打石镇',
        [
          ['430211102227', '建龙村委会'],
          ['430211102004', '老街社区'],
        ],
      ],
      ['430211103', '三门镇', [['430211103203', '杨柳村委会']]],
      ['430211101', '群丰镇', [['430211101001', '新街居委会']]],
    ],
    departments: ['区委督查室', '区民政局'],
    villageUnits: [['雷打石镇', '430211102227', '建龙村委会']],
    problems: [
      {
        category: 'other_matters',
        place: '430211102227',
        title: '困境儿童居住环境差',
        description: '建龙村一户困境儿童房间电路老化、墙面地面破损，没有书桌。',
        lead: '雷打石镇',
        village: '建龙村委会',
        end: 'closed',
        summary: '改造为“爱蕾小屋”：更换电路，修缮墙面地面，添置书桌和床；社工一对一结对帮扶。',
      },
      {
        category: 'other_matters',
        place: '430211103203',
        title: '困境儿童需要结对帮扶',
        description: '杨柳村困境儿童由祖辈监护，希望有人定期谈心。',
        lead: '区民政局',
        end: 'closed',
        summary: '建成爱蕾小屋，五支队伍结对，每周与孩子谈心一次、每月与监护人交流一次。',
      },
      {
        category: 'other_matters',
        place: '430211101001',
        title: '困境儿童房间改造申请',
        description: '群丰镇新街居委会上报一户困境儿童房间需要改造。',
        lead: '群丰镇',
        end: 'in_progress',
      },
    ],
  },
];

/** A seeded jurisdiction's people: its office, a handler for each unit, a reporter. */
interface People {
  supervisor: Principal;
  handlers: Map<string, Principal>;
  units: Map<string, string>;
  reporter: Principal;
}

async function principal(
  ctx: AppContext,
  jid: string,
  input: Parameters<typeof createUser>[2],
): Promise<Principal> {
  const u = await createUser(ctx, jid, input, null);
  return (await principalOfUser(ctx, jid, u.id, 'session'))!;
}

/** Units and accounts of one district: departments, townships, the villages that take problems down. */
async function seedPeople(ctx: AppContext, d: DistrictStory): Promise<People> {
  const units = new Map<string, string>();
  const at = ctx.clock.now().toISOString();
  let sort = 0;
  const unit = async (
    name: string,
    kind: 'department' | 'township' | 'village' | 'office',
    parent: string | null,
    code: string | null,
  ) => {
    const id = uuidv7();
    await addUnit(
      ctx.db,
      d.id,
      {
        id,
        parentId: parent,
        name,
        kind,
        divisionCode: code,
        phone: null,
        active: true,
        version: 1,
        sort: sort++,
      },
      at,
    );
    units.set(name, id);
  };
  for (const name of d.departments)
    await unit(name, name.includes('督查') ? 'office' : 'department', null, null);
  for (const [code, name] of d.townships) await unit(name, 'township', null, code);
  for (const [township, code, name] of d.villageUnits)
    await unit(name, 'village', units.get(township)!, code);
  await ctx.reference.invalidate(d.id);
  const key = d.key;
  const supervisor = await principal(ctx, d.id, {
    username: `${key}-supervisor`,
    displayName: `${d.name}督查室`,
    phone: null,
    unitId: units.get('区委督查室')!,
    roles: ['supervisor'],
    scope: { kind: 'jurisdiction', ref: null },
    active: true,
  });
  const handlers = new Map<string, Principal>();
  let n = 0;
  for (const [name, id] of units) {
    if (name === '区委督查室') continue;
    handlers.set(
      name,
      await principal(ctx, d.id, {
        username: `${key}-unit-${++n}`,
        displayName: `${name}承办人`,
        phone: null,
        unitId: id,
        roles: ['unit_handler'],
        active: true,
      }),
    );
  }
  const reporter = await principal(ctx, d.id, {
    username: `${key}-resident`,
    displayName: `${d.name}居民`,
    phone: null,
    unitId: null,
    roles: ['resident'],
    active: true,
  });
  return { supervisor, handlers, units, reporter };
}

/** One story's problem, taken from report to its end by the district's own people. */
async function runProblem(
  ctx: AppContext & { clock: ManualClock },
  people: People,
  s: StoryProblem,
): Promise<void> {
  const problem = await createProblem(ctx, people.reporter, {
    categoryCode: s.category,
    title: s.title,
    description: s.description,
    villageCode: s.place,
    fields: s.fields ?? {},
  });
  if (s.end === 'submitted') return;
  ctx.clock.advanceHours(2);
  await act(ctx, people.supervisor, problem.id, 'dispatch', { leadUnitId: people.units.get(s.lead)! });
  if (s.end === 'assigned') return;
  const lead = people.handlers.get(s.lead)!;
  ctx.clock.advanceHours(1);
  await act(ctx, lead, problem.id, 'sign', {});
  if (s.village) {
    // 二次交办: the town passes it to the village with a deadline inside its own, then checks the work.
    const village = people.handlers.get(s.village)!;
    ctx.clock.advanceHours(1);
    await act(ctx, lead, problem.id, 'delegate', {
      unitId: people.units.get(s.village)!,
      until: new Date(ctx.clock.now().getTime() + 3 * 86_400_000).toISOString(),
      note: '请村委会入户核实并组织改造',
    });
    ctx.clock.advanceHours(2);
    await act(ctx, village, problem.id, 'delegate_sign', {});
    ctx.clock.advanceHours(30);
    await act(ctx, village, problem.id, 'delegate_report', { summary: s.summary ?? '已办结' });
    ctx.clock.advanceHours(4);
    await act(ctx, lead, problem.id, 'delegate_accept', { note: '镇里已到现场查看' });
  }
  if (s.end === 'in_progress') return;
  ctx.clock.advanceHours(24);
  await act(ctx, lead, problem.id, 'request_closure', { summary: s.summary ?? '已办结' });
  ctx.clock.advanceHours(6);
  await act(ctx, people.supervisor, problem.id, 'verify', { note: '核实办结' });
  ctx.clock.advanceHours(24);
  await act(ctx, people.reporter, problem.id, 'rate', { rating: 'satisfied' });
}

/**
 * Seeds the city and the three districts; with `problems`, each district's story problems too. Returns
 * how many problems it made.
 */
export async function seedCity(base: AppContext, opts: { problems: boolean }): Promise<number> {
  // After Hetang's own start (its jurisdiction stays the first, the default of anonymous requests).
  const clock = new ManualClock(new Date('2023-03-01T01:00:00Z'));
  const ctx = { ...base, clock, sms: new RecordingSms() };
  let made = 0;
  for (const d of DISTRICTS) {
    const divisions: DivisionSeed[] = [
      { code: d.id, name: d.name, parentCode: CITY.id, level: 'county' },
      ...d.townships.flatMap(([code, name, villages]): DivisionSeed[] => [
        { code, name, parentCode: d.id, level: 'township' },
        ...villages.map(([vc, vn]): DivisionSeed => ({
          code: vc,
          name: vn,
          parentCode: code,
          level: 'village',
        })),
      ]),
    ];
    await initJurisdiction(ctx, {
      id: d.id,
      name: d.name,
      numberPrefix: d.prefix,
      divisions,
      seat: d.seat,
    });
    const people = await seedPeople(ctx, d);
    if (!opts.problems) continue;
    for (const [i, s] of d.problems.entries()) {
      clock.set(new Date(Date.UTC(2024, 0, 2 + i * 2, 1)));
      await runProblem(ctx, people, s);
      made++;
    }
  }
  // The city itself: its own tree is only itself; it reads its districts' published figures.
  clock.set('2023-03-01T02:00:00Z');
  await initJurisdiction(ctx, {
    id: CITY.id,
    name: CITY.name,
    numberPrefix: CITY.prefix,
    divisions: [{ code: CITY.id, name: CITY.name, parentCode: null, level: 'county' }],
    seat: [27.83, 113.13],
  });
  const office = uuidv7();
  await addUnit(
    ctx.db,
    CITY.id,
    {
      id: office,
      parentId: null,
      name: '市委督查室',
      kind: 'office',
      divisionCode: null,
      phone: null,
      active: true,
      version: 1,
      sort: 0,
    },
    clock.now().toISOString(),
  );
  await ctx.reference.invalidate(CITY.id);
  await createUser(
    ctx,
    CITY.id,
    {
      username: CITY.user,
      displayName: '株洲市督查室',
      password: PASSWORD,
      phone: null,
      unitId: office,
      roles: ['supervisor'],
      scope: { kind: 'jurisdiction', ref: null },
      active: true,
    },
    null,
  );
  return made;
}

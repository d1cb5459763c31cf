/**
 * The synthetic problems of the data generator (bench/generate.ts), made without a database: a seeded
 * random source, the jurisdiction's shape (villages weighted by population, categories by frequency) and
 * one problem at a time. The generator's worker thread (generate.worker.ts) runs it beside the writing.
 */
import { ReferenceData, type Indicator, type ReferenceSnapshot } from '../src/modules/reference/index.ts';
import type { ImportProblem } from '../src/modules/ledger/index.ts';
import type { Rng } from '../src/kernel/random.ts';

/** Two years of reports. */
const SPAN_DAYS = 730;

const OBJECTS: Record<string, string[]> = {
  roads: ['路灯', '井盖', '人行道', '路面', '护栏', '减速带', '公交站台', '排水沟', '红绿灯', '斑马线'],
  sanitation: ['垃圾站', '公厕', '垃圾桶', '化粪池', '排污口', '绿化带', '河道', '菜市场'],
  utilities: ['自来水管', '变压器', '电表箱', '水压', '燃气管道', '二次供水'],
  safety: ['楼道', '消防通道', '电动车充电', '燃气热水器', '危房', '广告牌', '高空坠物'],
  elderly_care: ['老年食堂', '助浴服务', '日间照料中心', '上门护理', '适老化改造', '助餐点'],
  education: ['学位', '校车', '学校缴费', '课后服务', '校门口交通', '学校食堂'],
  jobs: ['零工驿站', '技能培训', '招聘会', '灵活就业社保', '创业贷款', '公益性岗位'],
  government_service: ['临时身份证', '社保卡', '户籍迁移', '不动产登记', '医保报销', '营业执照'],
  financing: ['流动资金贷款', '应收账款融资', '设备抵押贷款', '担保费率', '续贷'],
  land: ['闲置厂房', '用地指标', '土地证办理', '标准厂房', '工业用地'],
  investment: ['签约项目', '项目配套', '招商政策兑现', '厂房租金'],
  staffing: ['技术工人', '普工', '实习生', '高校毕业生', '夜班工人'],
  approval: ['施工许可', '食品经营许可', '环评审批', '消防验收', '排污许可'],
  enterprise_burden: ['重复检查', '收费项目', '罚款标准', '报表填报'],
  grassroots_burden: ['填报表格', '督查检查', '会议', '微信工作群', '考核指标'],
  other_matters: ['噪音扰民', '宠物扰民', '邻里纠纷', '占道经营', '违章搭建'],
};
const PROBLEMS = [
  '损坏',
  '堵塞',
  '长期未修',
  '存在安全隐患',
  '办理周期长',
  '反复出现',
  '无人管理',
  '需要增加',
  '收费不合理',
  '信息不畅',
];
const DETAILS = [
  '已经持续{n}天，多次反映未果。',
  '附近{n}户居民受到影响，希望尽快处理。',
  '早晚高峰尤其明显，老人小孩出行不便。',
  '下雨天情况更加严重，存在较大安全隐患。',
  '希望相关部门派人到现场查看，给予答复。',
  '周边商户和居民意见较大，已向社区反映。',
  '夜间{n}点以后情况最突出。',
  '涉及约{n}名职工，企业生产受到影响。',
];
/** Long-tailed category frequency (Zipf-like), by code. */
const CATEGORY_WEIGHTS: Record<string, number> = {
  roads: 30,
  sanitation: 24,
  safety: 12,
  utilities: 10,
  elderly_care: 8,
  jobs: 7,
  government_service: 6,
  education: 5,
  other_matters: 4,
  approval: 3,
  financing: 2,
  staffing: 2,
  enterprise_burden: 1.5,
  grassroots_burden: 1,
  land: 0.8,
  investment: 0.5,
};
const UNIT_OF: Record<string, string> = {
  roads: '区交通运输局',
  sanitation: '区城市管理和综合执法局',
  safety: '区应急管理局',
  utilities: '区住房和城乡建设局',
  elderly_care: '区民政局',
  jobs: '区人力资源和社会保障局',
  government_service: '区行政审批服务局',
  education: '区教育局',
  other_matters: '月塘街道',
  approval: '区行政审批服务局',
  financing: '区金融服务中心',
  staffing: '区人力资源和社会保障局',
  enterprise_burden: '区市场监督管理局',
  grassroots_burden: '区委督查室',
  land: '区自然资源局',
  investment: '区商务局',
};
/** Township populations (the seat streets are the most populous). */
const TOWNSHIP_POPULATION: Record<string, number> = {
  '430202001': 120000,
  '430202002': 60000,
  '430202003': 55000,
  '430202004': 40000,
  '430202005': 35000,
  '430202006': 30000,
  '430202100': 25000,
};
const HOUR_WEIGHTS = [
  0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 0.8, 2, 5, 8, 9, 7, 4, 4, 7, 8, 7, 6, 4, 3, 2.5, 2, 1, 0.5,
];
const WEEKDAY_WEIGHTS = [0.6, 1.2, 1.1, 1, 1, 1, 0.7]; // Sunday … Saturday
const STATES: [ImportProblem['status'], number][] = [
  ['closed', 62],
  ['in_progress', 12],
  ['assigned', 5],
  ['closure_requested', 4],
  ['submitted', 7],
  ['returned', 2],
  ['rejected', 6],
  ['bounced', 2],
];

/** A weighted choice with its weights summed once (the same draws as `weighted` summing them each time). */
function choice<T>(items: readonly T[], weights: readonly number[]) {
  return { items, weights, total: weights.reduce((s, w) => s + w, 0) };
}
const CATEGORY_CHOICE = choice(Object.keys(CATEGORY_WEIGHTS), Object.values(CATEGORY_WEIGHTS));
const STATE_CHOICE = choice(
  STATES.map((s) => s[0]),
  STATES.map((s) => s[1]),
);
const HOUR_CHOICE = choice([...HOUR_WEIGHTS.keys()], HOUR_WEIGHTS);

export interface Context {
  ref: ReferenceData;
  villages: { code: string; township: string; lat: number; lng: number; name: string; weight: number }[];
  /** The villages as a weighted choice, made once their weights are set. */
  villageChoice?: ReturnType<typeof choice<Context['villages'][number]>>;
  unitIds: Map<string, string>;
  start: number;
  spanDays: number;
  /** The generator's time (ms): nothing it makes happens later. */
  now: number;
}

function whenCreated(r: Rng, c: Context): Date {
  for (;;) {
    const day = r.int(c.spanDays);
    const t = new Date(c.start + day * 86400_000);
    const month = t.getUTCMonth();
    const season = 1 + 0.35 * Math.sin(((month - 3) / 12) * 2 * Math.PI); // more in summer
    if (r.next() * 1.6 > WEEKDAY_WEIGHTS[t.getUTCDay()]! * season) continue;
    const hour = r.weighted(HOUR_CHOICE.items, HOUR_CHOICE.weights, HOUR_CHOICE.total);
    return new Date(t.getTime() + (hour - 8) * 3600_000 + r.int(3600) * 1000);
  }
}

export function makeProblem(r: Rng, c: Context, i: number): ImportProblem {
  const categoryCode = r.weighted(CATEGORY_CHOICE.items, CATEGORY_CHOICE.weights, CATEGORY_CHOICE.total);
  const cat = c.ref.categories.get(categoryCode)!;
  const villages = (c.villageChoice ??= choice(
    c.villages,
    c.villages.map((x) => x.weight),
  ));
  const v = r.weighted(villages.items, villages.weights, villages.total);
  const created = whenCreated(r, c);
  let status = r.weighted(STATE_CHOICE.items, STATE_CHOICE.weights, STATE_CHOICE.total);
  const obj = r.pick(OBJECTS[categoryCode] ?? OBJECTS.other_matters!);
  const shortName = v.name.replace(/(社区居委会|村委会|居委会|社区)$/, '');
  const title = `${shortName}${obj}${r.pick(PROBLEMS)}`;
  const description = `${shortName}${r.pick(['附近', '小区内', '主干道旁', '菜市场旁', '学校周边'])}${obj}${r.pick(PROBLEMS)}，${r.pick(DETAILS).replace('{n}', String(2 + r.int(40)))}${r.pick(DETAILS).replace('{n}', String(2 + r.int(40)))}`;
  const leadUnitId =
    c.unitIds.get(
      UNIT_OF[categoryCode] === '区委督查室' ? '月塘街道' : (UNIT_OF[categoryCode] ?? '月塘街道'),
    ) ?? null;
  const dispatched = ['assigned', 'bounced', 'in_progress', 'closure_requested', 'closed'].includes(status);
  const rule = c.ref.ruleFor(categoryCode, 'normal');
  const dispatchedAt = dispatched ? new Date(created.getTime() + (1 + r.int(20)) * 3600_000) : null;
  const respondDueAt = dispatchedAt ? c.ref.calendar.addWorkingHours(dispatchedAt, rule.respondHours) : null;
  const closeDueAt = dispatchedAt ? c.ref.calendar.addWorkingDays(dispatchedAt, rule.closeDays) : null;
  const responded = ['in_progress', 'closure_requested', 'closed'].includes(status);
  let respondedAt =
    responded && dispatchedAt
      ? new Date(dispatchedAt.getTime() + (r.next() < 0.9 ? 0.5 + r.next() * 3 : 6 + r.int(48)) * 3600_000)
      : null;
  let closedAt =
    status === 'closed' && respondedAt
      ? new Date(
          respondedAt.getTime() +
            (r.next() < 0.85 ? 1 + r.int(rule.closeDays) : rule.closeDays + 2 + r.int(20)) * 86400_000,
        )
      : null;
  // A problem reported recently cannot be further along than time allows: it stays at the last step
  // that has already happened.
  const nowMs = c.now;
  if (closedAt && closedAt.getTime() > nowMs - 3 * 86400_000) {
    status = 'in_progress';
    closedAt = null;
  }
  if (respondedAt && respondedAt.getTime() > nowMs) {
    status = 'assigned';
    respondedAt = null;
  }
  const rating =
    closedAt && r.next() < 0.7
      ? r.weighted(['satisfied', 'basically_satisfied', 'dissatisfied'], [75, 18, 7])
      : null;
  const unit = leadUnitId;
  const at = (d: Date | null) => (d ? new Date(Math.min(d.getTime(), nowMs)).toISOString() : '');
  const history: NonNullable<NonNullable<ImportProblem['extra']>['history']> = [
    {
      action: 'submit',
      from: null,
      to: 'submitted',
      at: created.toISOString(),
      unitId: null,
      note: null,
      public: true,
    },
  ];
  if (status === 'returned')
    history.push({
      action: 'return',
      from: 'submitted',
      to: 'returned',
      at: new Date(created.getTime() + 7200_000).toISOString(),
      unitId: null,
      note: '请补充具体位置',
      public: true,
    });
  if (status === 'rejected')
    history.push({
      action: 'reject',
      from: 'submitted',
      to: 'rejected',
      at: new Date(created.getTime() + 7200_000).toISOString(),
      unitId: null,
      note: '不属于受理范围',
      public: true,
    });
  if (dispatchedAt)
    history.push({
      action: 'dispatch',
      from: 'submitted',
      to: 'assigned',
      at: at(dispatchedAt),
      unitId: null,
      note: null,
      public: true,
    });
  if (status === 'bounced')
    history.push({
      action: 'bounce',
      from: 'assigned',
      to: 'bounced',
      at: at(new Date(dispatchedAt!.getTime() + 3600_000)),
      unitId: unit,
      note: '职能不符',
      public: false,
    });
  if (respondedAt)
    history.push({
      action: 'sign',
      from: 'assigned',
      to: 'in_progress',
      at: at(respondedAt),
      unitId: unit,
      note: null,
      public: true,
    });
  if (status === 'closure_requested' || closedAt)
    history.push({
      action: 'request_closure',
      from: 'in_progress',
      to: 'closure_requested',
      at: at(
        closedAt
          ? new Date(closedAt.getTime() - 86400_000)
          : new Date(respondedAt!.getTime() + 5 * 86400_000),
      ),
      unitId: unit,
      note: '已整改到位',
      public: true,
    });
  if (closedAt)
    history.push({
      action: 'verify',
      from: 'closure_requested',
      to: 'closed',
      at: at(closedAt),
      unitId: null,
      note: '同意销号',
      public: true,
    });
  if (rating)
    history.push({
      action: 'rate',
      from: 'closed',
      to: 'closed',
      at: at(new Date(closedAt!.getTime() + 2 * 86400_000)),
      unitId: null,
      note: null,
      public: true,
    });
  // A closure reports one of its domain's own indicators, with a value inside the indicator's usual range.
  const own = [...c.ref.indicators.values()].filter((i) => i.domain === cat.domain);
  const pick = closedAt && own.length > 0 && r.next() < 0.2 ? own[r.int(own.length)]! : null;
  const indicators = pick ? [{ code: pick.code, value: usualValue(pick, r) }] : [];
  return {
    number: null,
    kind: cat.kind,
    domain: cat.domain,
    categoryCode,
    channel: r.weighted(
      ['hotline', 'resident', 'online', 'open311', 'enterprise', 'visit'],
      [45, 25, 12, 5, 5, 8],
    ),
    title,
    description,
    reporterName: `市民${String(i % 100000).padStart(5, '0')}`,
    reporterPhone: `139${String(10_000_000 + ((i * 7919) % 90_000_000)).padStart(8, '0')}`,
    enterpriseName:
      cat.kind === 'enterprise'
        ? `株洲${shortName}${r.pick(['机械', '电子', '食品', '建材', '物流'])}有限公司`
        : null,
    townshipCode: v.township,
    villageCode: v.code,
    address: `${c.ref.divisionName(v.township) ?? ''}${v.name}`,
    campaignId: null,
    topicId: null,
    leadUnitId: dispatched ? leadUnitId : null,
    supportingUnitIds: [],
    rectificationType: dispatched ? 'deadline' : null,
    closeDueAt: closeDueAt ? closeDueAt.toISOString() : null,
    status,
    foundOn: new Date(created.getTime() + 8 * 3600_000).toISOString().slice(0, 10),
    closedAt: closedAt ? closedAt.toISOString() : null,
    rating,
    progress: respondedAt
      ? [
          {
            date: new Date(respondedAt.getTime() + 86400_000).toISOString().slice(0, 10),
            note: '已到现场核实，正在组织整改',
          },
        ]
      : [],
    result: closedAt ? { summary: '问题已整改到位，群众诉求得到解决。', mechanism: null, indicators } : null,
    extra: {
      createdAt: created.toISOString(),
      dispatchedAt: dispatchedAt ? dispatchedAt.toISOString() : null,
      respondDueAt: respondDueAt ? respondDueAt.toISOString() : null,
      respondedAt: respondedAt ? respondedAt.toISOString() : null,
      lat: v.lat + r.gauss() * 0.003,
      lng: v.lng + r.gauss() * 0.003,
      urgency: r.next() < 0.05 ? 'urgent' : 'normal',
      bounceCount: status === 'bounced' ? 1 : 0,
      reopenCount: rating === 'dissatisfied' ? 0 : 0,
      pressCount: r.next() < 0.03 ? 1 : 0,
      history,
    },
  };
}

/** The villages with a place on the map, weighted later by their township's population. */
function villagesOf(ref: ReferenceData): Context['villages'] {
  return [...ref.divisions.values()]
    .filter((d) => d.level === 'village' && d.lat !== null)
    .map((d) => ({
      code: d.code,
      township: d.parentCode!,
      lat: d.lat!,
      lng: d.lng!,
      name: d.name,
      weight: 1,
    }));
}

/** The reference data a generator reads, as plain data (the worker thread builds its own ReferenceData). */
export type ReferenceRows = ReferenceSnapshot;

/** The generator's view of a jurisdiction at time `now` (ms): two years of reports up to then. */
export function contextOf(jurisdictionId: string, rows: ReferenceRows, now: number): Context {
  const ref = new ReferenceData(jurisdictionId, rows);
  const villages = villagesOf(ref);
  for (const v of villages) {
    const siblings = villages.filter((x) => x.township === v.township).length;
    v.weight = (TOWNSHIP_POPULATION[v.township] ?? 20000) / siblings;
  }
  const unitIds = new Map([...ref.units.values()].map((u) => [u.name, u.id]));
  return { ref, villages, unitIds, start: now - SPAN_DAYS * 86400_000, spanDays: SPAN_DAYS, now };
}

/** The years (+08:00) whose problems a generator at time `now` makes: their number counters. */
export function yearsOf(now: number): string[] {
  const year = (t: number) => new Date(t + 8 * 3600_000).getUTCFullYear();
  const years: string[] = [];
  for (let y = year(now - SPAN_DAYS * 86400_000); y <= year(now); y++) years.push(String(y));
  return years;
}

/** A value inside an indicator's usual range (its plausible range, else its allowed one), whole where it counts. */
function usualValue(i: Indicator, r: Rng): number {
  const lo = Math.max(i.plausibleMin ?? i.minValue ?? 1, 1);
  const hi = Math.max(Math.min(i.plausibleMax ?? i.maxValue ?? lo * 100, lo * 100), lo);
  return Math.round(lo + (hi - lo) * r.next());
}

/**
 * The Hetang District demo (DESIGN §5): units, users, the campaign with 34 topics and several hundred
 * problems in every state over 2023-2024, made through the real services on a moved clock, so that every
 * log, deadline and figure is what the product itself would have produced. The campaign's resolved
 * counts and indicator sums are exactly the article's: 15 / 36 / 53; 3 firms, 35,000,000 yuan; 34.23 亩.
 *
 * Over 500 lines: it tells one story in order (units, users, campaign, topics, problems over two years),
 * and its parts share the moved clock and the people made earlier; the split into per-district seeds comes
 * with the other districts' demo (issue 22).
 */
import { RecordingSms } from '../adapters/sms/index.ts';
import { seedHotlineCalls, seedHotlineCentre } from './hotline.ts';
import { seedCity } from './city.ts';
import { ManualClock } from '../kernel/clock.ts';
import { uuidv7 } from '../kernel/ids.ts';
import { random } from '../kernel/random.ts';
import { seedJobs } from './jobs.ts';
import { seedCare } from './care.ts';
import type { Principal } from '../kernel/roles.ts';
import type { AppContext } from '../platform/context.ts';
import { createApiKey, principalOfUser } from '../modules/auth/index.ts';
import { act, createProblem } from '../modules/problems/index.ts';
import { createUser } from '../modules/users/index.ts';
import { addUnit as insertUnit } from '../modules/reference/index.ts';
import { hetangDivisions, initJurisdiction } from '../modules/reference/index.ts';
import { coWarningNotice } from './services.notices.ts';

export const HETANG = {
  id: '430202',
  open311Id: 'hetang.gov.cn',
  prefix: 'HT',
  apiKey: 'demo-open311-key',
  password: 'qingdan-demo',
};
export const CAMPAIGN_NAME = '走基层、找问题、想办法、促发展';

/** The demo sign-ins of DESIGN §5, all with the password `qingdan-demo`. */
export const DEMO_USERS = [
  'demo-admin',
  'demo-supervisor',
  'demo-leader',
  'demo-official',
  'demo-unit',
  'demo-street',
  'demo-resident',
  'demo-enterprise',
  'demo-operator',
  'demo-city',
] as const;

const DEPARTMENTS = [
  ['office', '区委督查室'],
  ['department', '区发展和改革局'],
  ['department', '区工业和信息化局'],
  ['department', '区财政局'],
  ['department', '区人力资源和社会保障局'],
  ['department', '区自然资源局'],
  ['department', '区住房和城乡建设局'],
  ['department', '区城市管理和综合执法局'],
  ['department', '区教育局'],
  ['department', '区民政局'],
  ['department', '区卫生健康局'],
  ['department', '区市场监督管理局'],
  ['department', '区行政审批服务局'],
  ['department', '区商务局'],
  ['department', '区金融服务中心'],
  ['department', '区应急管理局'],
  ['department', '区交通运输局'],
] as const;

/** Which department handles which category. */
const CATEGORY_UNIT: Record<string, string> = {
  financing: '区金融服务中心',
  land: '区自然资源局',
  investment: '区商务局',
  staffing: '区人力资源和社会保障局',
  approval: '区行政审批服务局',
  enterprise_burden: '区市场监督管理局',
  grassroots_burden: '区委督查室',
  government_service: '区行政审批服务局',
  jobs: '区人力资源和社会保障局',
  elderly_care: '区民政局',
  education: '区教育局',
  roads: '区交通运输局',
  sanitation: '区城市管理和综合执法局',
  utilities: '区住房和城乡建设局',
  safety: '区应急管理局',
  other_matters: '区委督查室',
};

const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '周',
  '吴',
  '徐',
  '孙',
  '胡',
  '朱',
  '高',
  '林',
  '何',
  '郭',
  '马',
  '罗',
  '梁',
  '宋',
  '郑',
  '谢',
  '韩',
  '唐',
  '冯',
  '于',
  '董',
  '萧',
  '程',
  '曹',
  '袁',
  '邓',
];
const GIVEN = [
  '建国',
  '志强',
  '海燕',
  '晓明',
  '丽华',
  '文军',
  '春林',
  '国庆',
  '红梅',
  '立新',
  '伟',
  '敏',
  '静',
  '磊',
  '洋',
  '勇',
  '军',
  '杰',
  '娟',
  '涛',
];

/** Topics of the campaign: [domain, title]. */
const TOPICS: [string, string][] = [
  ['enterprise_development', '破解中小企业融资难题研究'],
  ['enterprise_development', '盘活闲置低效工业用地调研'],
  ['enterprise_development', '先进制造业集群培育路径'],
  ['enterprise_development', '园区企业用工保障机制'],
  ['enterprise_development', '招商引资项目落地提速'],
  ['enterprise_development', '科技型企业梯度培育'],
  ['enterprise_development', '传统商贸企业转型升级'],
  ['enterprise_development', '民营经济高质量发展'],
  ['enterprise_development', '金山科技工业园配套完善'],
  ['enterprise_development', '动产抵押融资模式推广'],
  ['business_environment', '深化放管服改革优化审批流程'],
  ['business_environment', '涉企检查“综合查一次”'],
  ['business_environment', '为基层减负赋能'],
  ['business_environment', '政务服务“一网通办”提质'],
  ['business_environment', '工程建设项目审批提速'],
  ['business_environment', '市场主体登记便利化'],
  ['business_environment', '惠企政策直达快享'],
  ['business_environment', '涉企收费清理规范'],
  ['business_environment', '信用体系建设与应用'],
  ['business_environment', '政务服务环境优化提升'],
  ['livelihood', '荷塘大就业平台建设'],
  ['livelihood', '家门口就业地图与零工服务'],
  ['livelihood', '居家养老六助服务'],
  ['livelihood', '健康公益食堂运营'],
  ['livelihood', '学校智慧缴费一站办'],
  ['livelihood', '单证速办：临时身份证立等可取'],
  ['livelihood', '民族团结服务站建设'],
  ['livelihood', '老旧小区改造提质'],
  ['livelihood', '城区道路与路灯完善'],
  ['livelihood', '农村人居环境整治'],
  ['livelihood', '背街小巷环境卫生'],
  ['livelihood', '社区医疗服务可及性'],
  ['livelihood', '稳就业保就业'],
  ['livelihood', '流动人口服务管理'],
];

const PROBLEM_TEXT: Record<string, [string, string][]> = {
  financing: [
    [
      '企业流动资金紧张，缺少抵押物',
      '企业订单增长但流动资金不足，厂房为租赁，缺少传统抵押物，希望协调银行以设备和存货办理动产抵押贷款。',
    ],
    ['技改项目融资渠道单一', '企业计划实施智能化改造，银行授信额度不足，希望对接政府性融资担保。'],
  ],
  land: [
    ['园区闲置厂房长期空置', '园区内一处厂房闲置两年以上，土地利用率低，建议通过二次招商盘活。'],
    ['企业扩产用地指标不足', '企业扩建生产线需新增用地，现有用地指标无法满足，请求协调。'],
  ],
  investment: [['签约项目落地进度慢', '已签约项目因配套道路和供电未到位，开工时间一再推迟。']],
  staffing: [['企业技术工人招工难', '企业急需数控操作工三十名，多次招聘未果，希望人社部门组织专场招聘。']],
  approval: [
    ['施工许可审批材料重复提交', '办理施工许可时需重复提交多份已在其他环节提交的材料，耗时较长。'],
    ['食品经营许可办理周期长', '小餐饮店办理食品经营许可需要往返多次，希望压缩时限。'],
  ],
  enterprise_burden: [
    ['同一月内多部门重复检查', '企业一个月内接待不同部门检查四次，内容相近，影响正常生产。'],
  ],
  grassroots_burden: [
    ['社区填报表格过多', '社区工作人员每周需填报各类报表十余份，部分内容重复，挤占服务群众时间。'],
  ],
  government_service: [['临时身份证办理等待时间长', '群众办理临时身份证需等待三天，希望实现当场办结。']],
  jobs: [
    ['零工人员找活信息不畅', '附近零工人员反映找活主要靠熟人介绍，信息不对称，希望有固定的零工服务点。'],
    ['失业人员希望参加技能培训', '社区有多名失业人员希望参加电工、育婴员等技能培训。'],
  ],
  elderly_care: [
    ['独居老人吃饭难', '小区独居老人较多，做饭不便，希望就近开设老年食堂或提供送餐服务。'],
    ['高龄老人需要上门助浴', '八十岁以上失能老人洗澡困难，家属希望提供上门助浴服务。'],
  ],
  education: [
    ['学校缴费需多次跑腿', '家长反映学校各项费用需到校现场缴纳，希望开通线上缴费。'],
    ['校门口上下学交通拥堵', '学校门口上下学时段车辆乱停，存在安全隐患。'],
  ],
  roads: [
    ['路面坑洼积水', '该路段路面多处坑洼，雨后积水严重，电动车通行容易摔倒。'],
    ['路灯损坏夜间漆黑', '小区出口一段路灯损坏一个多月，夜间行人通行不安全。'],
  ],
  sanitation: [
    ['垃圾清运不及时', '小区垃圾站清运不及时，夏季异味严重，蚊蝇滋生。'],
    ['背街小巷污水横流', '巷道排水沟堵塞，生活污水外溢，影响居民出行。'],
  ],
  utilities: [['老旧小区频繁停水', '小区供水管网老化，近期多次停水，影响居民生活。']],
  safety: [
    ['楼道堆放杂物堵塞消防通道', '居民楼楼道长期堆放杂物和电动车，堵塞消防通道。'],
    ['冬季燃气使用存在隐患', '部分老旧房屋使用燃气热水器未安装排烟管，存在一氧化碳中毒隐患。'],
  ],
  other_matters: [['宠物犬扰民', '小区内有住户饲养大型犬未拴绳，居民担心安全。']],
};

type Fields = Record<string, string | number | string[]>;
const FIELDS: Record<string, Fields> = {
  financing: { amount_needed: 1000, purpose: '流动资金' },
  approval: { matter: '施工许可' },
  elderly_care: { services: ['助餐'] },
  roads: { hazard: '一般' },
};

/** Seeds the Hetang demo into an empty database. */
export async function seedHetang(
  base: AppContext,
  opts: { problems?: 'full' | 'none' } = {},
): Promise<{ problems: number }> {
  const clock = new ManualClock(new Date('2023-02-20T01:00:00Z'));
  // The demo's history happened before this installation: its reporters are not sent SMS for it.
  const ctx: AppContext = { ...base, clock, sms: new RecordingSms() };
  const r = random(20240115);
  await initJurisdiction(ctx, {
    id: HETANG.id,
    name: '荷塘区',
    open311Id: HETANG.open311Id,
    numberPrefix: HETANG.prefix,
    divisions: hetangDivisions(),
  });
  const jid = HETANG.id;
  const ref0 = await ctx.reference.get(jid);

  // Units: departments, the seven townships, and the neighbourhoods of 月塘街道.
  const unitByName = new Map<string, string>();
  let sort = 0;
  const addUnit = async (
    kind: string,
    name: string,
    parentId: string | null,
    divisionCode: string | null,
  ) => {
    const id = uuidv7();
    await insertUnit(
      ctx.db,
      jid,
      {
        id,
        parentId,
        name,
        kind: kind as 'department',
        divisionCode,
        phone: `0731-2${String(1000000 + sort * 7919).slice(1)}`,
        active: true,
        version: 1,
        sort: sort++,
      },
      clock.now().toISOString(),
    );
    unitByName.set(name, id);
    return id;
  };
  for (const [kind, name] of DEPARTMENTS) await addUnit(kind, name, null, null);
  const townships = [...ref0.divisions.values()].filter((d) => d.level === 'township');
  for (const t of townships) {
    const tid = await addUnit('township', t.name, null, t.code);
    if (t.code === '430202001') {
      for (const v of ref0.divisionChildren(t.code).slice(0, 3))
        await addUnit('village', v.name, tid, v.code);
    }
  }
  await ctx.reference.invalidate(jid);

  // Users.
  const mk = async (
    username: string,
    displayName: string,
    roles: Principal['roles'],
    extra: {
      unit?: string;
      phone?: string;
      scope?: { kind: 'township' | 'unit' | 'jurisdiction' | 'own'; ref: string | null };
      password?: boolean;
    } = {},
  ) => {
    const u = await createUser(
      ctx,
      jid,
      {
        username,
        displayName,
        password: extra.password === false ? undefined : HETANG.password,
        phone: extra.phone ?? null,
        unitId: extra.unit ? unitByName.get(extra.unit)! : null,
        roles,
        scope: extra.scope,
        active: true,
      },
      null,
    );
    return (await principalOfUser(ctx, jid, u.id, 'session'))!;
  };
  // The demo password is shorter than the policy for real accounts: createUser takes it as given (the
  // policy is checked where people type passwords), and the audit log records each account's grant.
  const supervisor = await mkDemo('demo-supervisor', '周督查', ['supervisor'], { unit: '区委督查室' });
  await mkDemo('demo-admin', '系统管理员', ['admin']);
  await mkDemo('demo-leader', '区委书记', ['leader']);
  const demoUnit = await mkDemo('demo-unit', '刘人社', ['unit_handler'], { unit: '区人力资源和社会保障局' });
  await mkDemo('demo-street', '陈街道', ['unit_handler'], {
    unit: '月塘街道',
    scope: { kind: 'township', ref: '430202001' },
  });
  const demoResident = await mkDemo('demo-resident', '张居民', ['resident'], { phone: '13907330001' });
  const demoEnterprise = await mkDemo('demo-enterprise', '株洲荷塘精密机械有限公司', ['enterprise'], {
    phone: '13907330002',
  });

  async function mkDemo(
    username: string,
    name: string,
    roles: Principal['roles'],
    extra: Parameters<typeof mk>[3] = {},
  ) {
    return mk(username, name, roles, extra);
  }

  const handlers = new Map<string, Principal>();
  handlers.set('区人力资源和社会保障局', demoUnit);
  for (const [name] of unitByName) {
    if (handlers.has(name) || name === '区委督查室') continue;
    handlers.set(
      name,
      await mk(`unit-${handlers.size + 1}`, `${name}承办人`, ['unit_handler'], {
        unit: name,
        password: false,
      }),
    );
  }
  const residents: Principal[] = [demoResident];
  for (let i = 2; i <= 12; i++)
    residents.push(
      await mk(`resident-${i}`, `${r.pick(SURNAMES)}${r.pick(GIVEN)}`, ['resident'], {
        phone: `139073300${String(i + 10).padStart(2, '0')}`,
        password: false,
      }),
    );

  await createApiKey(ctx, jid, 'Open311 演示客户端', null, HETANG.apiKey);
  // The demo's own phones may see their sign-in code on the page (the demo has no real SMS provider);
  // every other phone's code goes only through the SMS adapter.
  const demoCodePhones = [
    '13907330001',
    '13907330002',
    ...residents.slice(1).map((_, i) => `139073300${String(i + 12).padStart(2, '0')}`),
  ];
  await ctx.db
    .updateTable('jurisdictions')
    .set({ settings: JSON.stringify({ demo: { codePhones: demoCodePhones } }) })
    .where('id', '=', jid)
    .execute();

  // The campaign and its 34 topics, each with a lead official (demo-official leads the first one).
  const campaignId = uuidv7();
  await ctx.db
    .insertInto('campaigns')
    .values({
      jurisdiction_id: jid,
      id: campaignId,
      name: CAMPAIGN_NAME,
      description: '全区34名在职处级以上干部领题调研，把问题清单转化为成效清单。',
      starts_on: '2023-03-01',
      ends_on: '2024-12-31',
      created_at: clock.now().toISOString(),
    })
    .execute();
  const topics: { id: string; domain: string; lead: Principal }[] = [];
  for (const [i, [domain, title]] of TOPICS.entries()) {
    const leadName = `${SURNAMES[i % SURNAMES.length]}${GIVEN[(i * 7) % GIVEN.length]}`;
    const lead =
      i === 0
        ? await mkDemo('demo-official', leadName, ['official'])
        : await mk(`official-${i + 1}`, leadName, ['official'], { password: false });
    const id = uuidv7();
    await ctx.db
      .insertInto('topics')
      .values({
        jurisdiction_id: jid,
        id,
        campaign_id: campaignId,
        title,
        domain,
        lead_official_id: lead.userId,
        lead_official_name: leadName,
        team: JSON.stringify([`${r.pick(SURNAMES)}${r.pick(GIVEN)}`, `${r.pick(SURNAMES)}${r.pick(GIVEN)}`]),
        report: '',
        created_at: clock.now().toISOString(),
      })
      .execute();
    topics.push({ id, domain, lead });
  }
  // The warning carries the notices module's columns; the older notices keep their defaults.
  await ctx.db.insertInto('notices').values(coWarningNotice(jid, uuidv7())).execute();
  await ctx.db
    .insertInto('notices')
    .values([
      {
        jurisdiction_id: jid,
        id: uuidv7(),
        title: '荷塘大就业平台上线',
        body: '求职者一次注册即可随时查看用工需求，家门口就业地图同步开放。',
        published_at: '2023-09-01T01:00:00.000Z',
        created_by: null,
      },
    ])
    .execute();
  const operator = await seedHotlineCentre(ctx, jid);
  // The city and the other districts (src/demo/city.ts) are their own jurisdictions, on their own clock.
  await seedCity(base, { problems: opts.problems !== 'none' });
  if (opts.problems === 'none') return { problems: 0 };

  const categoriesOf = (domain: string) =>
    [...await_ref().categories.values()].filter((c) => c.domain === domain && c.code !== 'other_matters');
  let refCache = await ctx.reference.get(jid);
  function await_ref() {
    return refCache;
  }
  refCache = await ctx.reference.get(jid);
  const villages = [...refCache.divisions.values()].filter((d) => d.level === 'village');

  let made = 0;
  const step = (hours: number) => clock.advanceHours(hours);
  type Plan = {
    domain: string;
    category: string;
    reporter: Principal;
    topic?: { id: string; lead: Principal };
    channel?: string;
    at: Date;
    end:
      | 'submitted'
      | 'returned'
      | 'rejected'
      | 'assigned'
      | 'bounced'
      | 'in_progress'
      | 'closure_requested'
      | 'closed'
      | 'merged_open';
    rating?: 'satisfied' | 'basically_satisfied' | 'dissatisfied';
    indicators?: { code: string; value: number }[];
    late?: boolean;
    press?: boolean;
    extension?: boolean;
  };

  const run = async (plan: Plan) => {
    clock.set(plan.at);
    const ref = await ctx.reference.get(jid);
    const village = r.pick(villages);
    const texts = PROBLEM_TEXT[plan.category] ?? PROBLEM_TEXT.other_matters!;
    const [title, description] = r.pick(texts);
    const cat = ref.categories.get(plan.category)!;
    const fields = FIELDS[plan.category];
    const created = await createProblem(
      ctx,
      plan.reporter,
      {
        kind: cat.kind,
        categoryCode: plan.category,
        title: `${village.name.replace(/(社区居委会|村委会|居委会)$/, '')}${title}`,
        description,
        villageCode: village.code,
        address: `${ref.divisionName(village.parentCode)}${village.name}附近`,
        lat: village.lat! + (r.next() - 0.5) * 0.004,
        lng: village.lng! + (r.next() - 0.5) * 0.004,
        topicId: plan.topic?.id,
        fields,
        enterprise:
          cat.kind === 'enterprise'
            ? {
                name: `株洲${r.pick(['荷塘', '金山', '仙庾', '宋家桥'])}${r.pick(['精密机械', '新材料', '电子科技', '食品', '建材'])}有限公司`,
              }
            : undefined,
      },
      // The channel as the seed says, not as the reporter may claim (an enterprise's call to the hotline).
      { channel: plan.channel ?? (plan.topic ? 'visit' : undefined) },
    );
    made++;
    const id = created.id;
    const unitName = CATEGORY_UNIT[plan.category] ?? '区委督查室';
    const handler = handlers.get(unitName) ?? handlers.get('区人力资源和社会保障局')!;
    const leadUnitId = unitByName.get(unitName === '区委督查室' ? '月塘街道' : unitName)!;
    const unitPrincipal = unitName === '区委督查室' ? handlers.get('月塘街道')! : handler;
    if (plan.end === 'submitted') return;
    step(3);
    if (plan.end === 'returned')
      return void (await act(ctx, supervisor, id, 'return', { reason: '请补充具体位置和联系方式' }));
    if (plan.end === 'rejected')
      return void (await act(ctx, supervisor, id, 'reject', {
        reason: '不属于本级受理范围，已告知向市级部门反映',
      }));
    await act(ctx, supervisor, id, 'dispatch', {
      leadUnitId,
      supportingUnitIds: r.next() < 0.3 ? [unitByName.get(r.pick(townships).name)!] : [],
      note: '请按时限办理',
    });
    if (plan.end === 'assigned') return;
    step(plan.late ? 30 : 1);
    if (plan.end === 'bounced')
      return void (await act(ctx, unitPrincipal, id, 'bounce', { reason: '职能不符，建议交由属地街道办理' }));
    await act(ctx, unitPrincipal, id, 'sign', {});
    step(24 + r.int(48));
    await act(ctx, unitPrincipal, id, 'progress', { note: '已现场核实情况，制定整改方案并组织实施。' });
    if (plan.press) await act(ctx, supervisor, id, 'press', { note: '请加快办理进度' });
    if (plan.extension) {
      await act(ctx, unitPrincipal, id, 'request_extension', {
        until: new Date(clock.now().getTime() + 40 * 86400_000).toISOString(),
        reason: '涉及多部门协调，需延长办理时限',
      });
      await act(ctx, supervisor, id, 'decide_extension', { approve: true });
    }
    if (plan.end === 'in_progress') return;
    step(plan.late ? 24 * 40 : 24 * (2 + r.int(8)));
    await act(ctx, unitPrincipal, id, 'request_closure', {
      summary: '问题已整改到位，群众（企业）诉求得到解决。',
      indicators: plan.indicators ?? [],
      mechanism: r.next() < 0.3 ? '建立定期走访和快速响应机制' : undefined,
    });
    if (plan.end === 'closure_requested') return;
    step(20);
    await act(ctx, supervisor, id, 'verify', { note: '经核实，整改到位，同意销号' });
    if (plan.rating) {
      step(48);
      const rater =
        plan.reporter.roles.includes('resident') || plan.reporter.roles.includes('enterprise')
          ? plan.reporter
          : supervisor;
      await act(ctx, rater, id, 'rate', {
        rating: plan.rating,
        comment: plan.rating === 'dissatisfied' ? '问题反复出现' : undefined,
      });
    }
  };

  // Campaign problems: the resolved ones match the article as of its date (2024-01-08): found from March to
  // mid-November 2023, each domain spread over those months, all closed (at most about 45 days later)
  // before the article. The rest, found from May 2024 on, is the work continuing (every state but closed).
  const RESOLVED_DAYS = 250;
  const when = (i: number, n: number) =>
    new Date(
      Date.UTC(2023, 2, 6) +
        Math.floor(((i + 0.5) / n) * RESOLVED_DAYS) * 86400_000 +
        (1 + r.int(8)) * 3600_000,
    );
  const resolvedPlan: [string, number][] = [
    ['enterprise_development', 15],
    ['business_environment', 36],
    ['livelihood', 53],
  ];
  const campaignPlans: Plan[] = [];
  for (const [domain, count] of resolvedPlan) {
    const domainTopics = topics.filter((t) => t.domain === domain);
    const cats = categoriesOf(domain);
    for (let i = 0; i < count; i++) {
      const topic = domainTopics[i % domainTopics.length]!;
      let category = cats[i % cats.length]!.code;
      let indicators: { code: string; value: number }[] | undefined;
      if (domain === 'enterprise_development' && i < 3) {
        category = 'financing';
        indicators = [
          { code: 'financed_enterprises', value: 1 },
          { code: 'financing_amount', value: [15_000_000, 12_000_000, 8_000_000][i]! },
        ];
      } else if (domain === 'enterprise_development' && i < 5) {
        category = 'land';
        indicators = [{ code: 'idle_land_area', value: [20.5, 13.73][i - 3]! }];
      } else if (domain === 'livelihood' && i % 4 === 0) {
        indicators = [
          { code: category === 'jobs' ? 'new_jobs' : 'residents_served', value: 10 + r.int(200) },
        ];
      } else if (domain === 'business_environment' && i % 5 === 0) {
        indicators = [{ code: 'days_saved', value: 1 + r.int(10) }];
      }
      campaignPlans.push({
        domain,
        category,
        reporter: topic.lead,
        topic,
        at: when(i, count),
        end: 'closed',
        rating: r.next() < 0.85 ? 'satisfied' : 'basically_satisfied',
        indicators,
        late: r.next() < 0.12,
        press: r.next() < 0.1,
        extension: r.next() < 0.08,
      });
    }
  }
  const otherEnds: Plan['end'][] = [
    'submitted',
    'returned',
    'rejected',
    'assigned',
    'bounced',
    'in_progress',
    'closure_requested',
  ];
  for (let i = 0; i < 49; i++) {
    const topic = topics[(i * 5) % topics.length]!;
    const cats = categoriesOf(topic.domain);
    campaignPlans.push({
      domain: topic.domain,
      category: cats[i % cats.length]!.code,
      reporter: topic.lead,
      topic,
      at: new Date(Date.UTC(2024, 4, 1) + i * 3 * 86400_000),
      end: otherEnds[i % otherEnds.length]!,
      late: i % 3 === 0,
    });
  }
  campaignPlans.sort((a, b) => a.at.getTime() - b.at.getTime());
  for (const plan of campaignPlans) await run(plan);

  // Everyday problems from residents, enterprises and the hotline, outside the campaign.
  const everyday: Plan[] = [];
  const residentCats = [
    'jobs',
    'elderly_care',
    'education',
    'roads',
    'roads',
    'sanitation',
    'sanitation',
    'utilities',
    'safety',
    'government_service',
    'other_matters',
  ];
  const ends: Plan['end'][] = [
    'closed',
    'closed',
    'closed',
    'closed',
    'in_progress',
    'assigned',
    'submitted',
    'closure_requested',
    'returned',
    'rejected',
    'bounced',
    'closed',
  ];
  for (let i = 0; i < 230; i++) {
    const hotline = i % 3 === 0;
    const enterprise = i % 11 === 5;
    const category = enterprise
      ? r.pick(['financing', 'approval', 'enterprise_burden', 'staffing'])
      : r.pick(residentCats);
    const end = ends[i % ends.length]!;
    const rating =
      end === 'closed'
        ? i % 17 === 0
          ? 'dissatisfied'
          : i % 5 === 0
            ? 'basically_satisfied'
            : 'satisfied'
        : undefined;
    everyday.push({
      domain: '',
      category,
      reporter: enterprise ? demoEnterprise : hotline ? supervisor : residents[i % residents.length]!,
      channel: hotline ? 'hotline' : undefined,
      at: new Date(Date.UTC(2023, 0, 9) + Math.floor((i / 230) * 700) * 86400_000 + r.int(10) * 3600_000),
      end,
      rating,
      late: i % 7 === 0,
      press: i % 13 === 0,
    });
  }
  for (const plan of everyday) await run(plan);

  // A duplicate merged into an open problem, to show 合并办理.
  const open = await ctx.db
    .selectFrom('problems')
    .select(['id', 'category_code', 'village_code', 'fields'])
    .where('jurisdiction_id', '=', jid)
    .where('status', '=', 'in_progress')
    .where('campaign_id', 'is', null)
    // The same problem on every database: without an order the row `limit 1` returns is the database's choice.
    .orderBy('number')
    .limit(1)
    .executeTakeFirst();
  if (open) {
    clock.set('2024-11-20T02:00:00Z');
    const dup = await createProblem(ctx, residents[1]!, {
      categoryCode: open.category_code,
      title: '同一问题再次反映',
      description: '此前反映的问题仍未解决，再次反映。',
      villageCode: open.village_code ?? villages[0]!.code,
      // The same category's required fields (which open problem comes first is up to the database).
      fields: (typeof open.fields === 'string' ? JSON.parse(open.fields) : open.fields) as Fields,
    });
    made++;
    await act(ctx, supervisor, dup.id, 'merge', { intoId: open.id });
  }
  made += await seedHotlineCalls({ ...ctx, clock }, jid, operator, supervisor);
  await seedJobs(ctx, clock, base.clock.now(), { mk: mkDemo, supervisor, staff: demoUnit });
  await seedCare(ctx, clock, base.clock.now(), { mk: mkDemo, supervisor });
  // Statistics for the tables the seed filled: without them PostgreSQL plans a township handler's list
  // over a fresh demo as over empty tables until autovacuum comes by. All tables, not the stale ones: the
  // counts that tell staleness reach PostgreSQL's statistics up to a second after the writes.
  await ctx.dialect.analyze(ctx.db);
  return { problems: made };
}

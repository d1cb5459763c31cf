/**
 * Occupations of the national occupational classification (中华人民共和国职业分类大典, 2022 edition) that
 * the district's gig and local jobs use: code (大类-中类-小类-细类) and name. A small table on purpose: a
 * posting or a worker names one of these; more rows are added here as the stations need them. Where each
 * code was checked is in docs/jobs.md; a code is a reference value, changed here and nowhere else.
 */

/** One occupation (职业, the 细类 level). */
export interface Occupation {
  code: string;
  name: string;
}

export const OCCUPATIONS: readonly Occupation[] = [
  { code: '4-02-02-02', name: '道路货运汽车驾驶员' },
  { code: '4-02-06-01', name: '仓储管理员' },
  { code: '4-02-07-08', name: '快递员' },
  { code: '4-03-02-01', name: '中式烹调师' },
  { code: '4-03-02-05', name: '餐厅服务员' },
  { code: '4-07-05-01', name: '保安员' },
  { code: '4-10-01-02', name: '育婴员' },
  { code: '4-10-01-05', name: '养老护理员' },
  { code: '4-10-01-06', name: '家政服务员' },
  { code: '4-12-01-01', name: '汽车维修工' },
  { code: '6-18-02-04', name: '焊工' },
  { code: '6-29-01-01', name: '砌筑工' },
  { code: '6-29-01-04', name: '钢筋工' },
  { code: '6-29-01-05', name: '架子工' },
  { code: '6-31-01-03', name: '电工' },
];

export const OCCUPATION_CODES = OCCUPATIONS.map((o) => o.code) as [string, ...string[]];
const BY_CODE = new Map(OCCUPATIONS.map((o) => [o.code, o]));

/** The occupation of a code, if the table has it. */
export function occupationOf(code: string): Occupation | undefined {
  return BY_CODE.get(code);
}

/**
 * How close two occupations are: 'same' code, same 小类 ('group', e.g. 4-10-01), same 中类 ('field',
 * e.g. 4-10), or 'none'.
 */
export function occupationCloseness(a: string, b: string): 'same' | 'group' | 'field' | 'none' {
  if (a === b) return 'same';
  if (a.slice(0, 7) === b.slice(0, 7)) return 'group';
  if (a.slice(0, 4) === b.slice(0, 4)) return 'field';
  return 'none';
}

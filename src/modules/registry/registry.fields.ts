/**
 * The registry's fields, how sensitive each is, and when a consent or lawful basis covers one
 * (PIPL arts. 13, 28, 29, 31). Pure rules: the service asks them before it saves or shows a field.
 */

/** `personal`: masked in lists. `sensitive`: stored and shown only under a consent or basis (PIPL 28). */
export type Sensitivity = 'personal' | 'sensitive';

/** Every field of a person's record with its sensitivity. */
export const PERSON_FIELDS = {
  name: 'personal',
  gender: 'personal',
  birthDate: 'personal',
  phone: 'personal',
  idNumber: 'personal',
  villageCode: 'personal',
  address: 'personal',
  tags: 'personal',
  livingAlone: 'personal',
  /** 失能等级: health data. */
  disabilityLevel: 'sensitive',
  /** 民族: PIPL art. 28 names religious belief and specific identity. */
  ethnicity: 'sensitive',
} as const satisfies Record<string, Sensitivity>;
export type PersonField = keyof typeof PERSON_FIELDS;
export const PERSON_FIELD_NAMES = Object.keys(PERSON_FIELDS) as PersonField[];

/** Eligibility tags (资格标签) used by the service modules. */
export const ELIGIBILITY_TAGS = ['高龄', '独居', '空巢', '失能', '低保', '特困', '残疾', '优抚'] as const;
export type EligibilityTag = (typeof ELIGIBILITY_TAGS)[number];

/** Lawful bases of PIPL art. 13 (and the guardian's consent of art. 31). */
export const LAWFUL_BASES = {
  consent: '个人同意',
  separate_consent: '单独同意（敏感个人信息）',
  guardian_consent: '监护人同意（不满十四周岁）',
  contract: '订立、履行合同所必需',
  legal_duty: '履行法定职责或义务所必需',
  public_health: '应对突发公共卫生事件或紧急情况',
  public_interest: '为公共利益实施新闻报道、舆论监督',
  disclosed: '已合法公开的个人信息',
  law: '法律、行政法规规定的其他情形',
} as const;
export type LawfulBasis = keyof typeof LAWFUL_BASES;
export const LAWFUL_BASIS_NAMES = Object.keys(LAWFUL_BASES) as LawfulBasis[];

/** The age under which all of a child's data is sensitive and needs a guardian (PIPL art. 31). */
export const CHILD_AGE = 14;

/** Smallest count a statistic shows; smaller cells are suppressed. */
export const MIN_CELL = 5;

/** A consent or basis as the rules see it. */
export interface ConsentFacts {
  lawfulBasis: LawfulBasis;
  scope: readonly string[];
  expiresAt: string | null;
  withdrawnAt: string | null;
}

/** Whole years between a birth date (YYYY-MM-DD) and a local date (YYYY-MM-DD). */
export function ageOn(birthDate: string, today: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

/** Whether a person is a child under 14 on a date (unknown birth date: no). */
export function isChild(birthDate: string | null, today: string): boolean {
  return birthDate !== null && ageOn(birthDate, today) < CHILD_AGE;
}

/** Whether a consent is in force at an instant. */
export function isActive(c: ConsentFacts, nowIso: string): boolean {
  return c.withdrawnAt === null && (c.expiresAt === null || c.expiresAt > nowIso);
}

/**
 * Whether the consents cover a field: one in force names it (or `*`); for a child's data, only a
 * guardian's consent or a basis other than the person's own consent counts.
 */
export function covers(
  consents: readonly ConsentFacts[],
  field: string,
  child: boolean,
  nowIso: string,
): boolean {
  return consents.some(
    (c) =>
      isActive(c, nowIso) &&
      (c.scope.includes(field) || c.scope.includes('*')) &&
      !(child && (c.lawfulBasis === 'consent' || c.lawfulBasis === 'separate_consent')) &&
      !(!child && c.lawfulBasis === 'consent' && PERSON_FIELDS[field as PersonField] === 'sensitive'),
  );
}

/** The fields that need a consent or basis: the sensitive ones, or every one of a child under 14. */
export function fieldsNeedingBasis(fields: readonly PersonField[], child: boolean): PersonField[] {
  return fields.filter((f) => child || PERSON_FIELDS[f] === 'sensitive');
}

/** Counts below MIN_CELL become null: a small group could be re-identified. */
export function suppressSmallCells<T extends { count: number }>(
  rows: readonly T[],
): (Omit<T, 'count'> & { count: number | null; suppressed: boolean })[] {
  return rows.map((r) => ({
    ...r,
    count: r.count < MIN_CELL ? null : r.count,
    suppressed: r.count < MIN_CELL,
  }));
}
